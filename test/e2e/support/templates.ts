import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INode, type INodeCredentialDescription } from 'n8n-workflow';
import { OUR_NODES } from '../../support/ourNodes';
import { testEnv } from '../../support/testEnv';

export const WORKFLOWS_DIR = join(__dirname, '..', '..', '..', 'workflows');

export interface Template {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, any>;
		credentials?: Record<string, { id: string; name: string }>;
		disabled?: boolean;
	}>;
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
}

/** The ids and names testCredentials imports, by credential type. */
const TEST_CREDENTIAL_REFS: Record<string, { id: string; name: string }> = {
	stackBackupPostgresApi: { id: 'sbPostgresCred01', name: 'Stack Backup Postgres (n8n database)' },
	stackBackupRedisApi: { id: 'sbRedisCred00001', name: 'Stack Backup Redis' },
	stackBackupDockerApi: { id: 'sbDockerCred0001', name: 'Stack Backup Docker Engine' },
	stackBackupS3Api: { id: 'sbS3Cred00000001', name: 'Stack Backup S3 (test gateway)' },
};

/**
 * A template as a user has it after picking credentials: the templates ship without any (so n8n
 * marks every node that needs one), and each of our nodes gets the test credential of every type
 * its panel shows with the template's settings, after `edit` (the user's changes) if given.
 */
export function loadTemplate(file: string, edit?: (template: Template) => void): Template {
	const template = rawTemplate(file);
	edit?.(template);
	for (const node of template.nodes) {
		for (const credential of shownCredentials(node)) {
			const ref = TEST_CREDENTIAL_REFS[credential.name];
			if (ref) node.credentials = { ...node.credentials, [credential.name]: ref };
		}
	}
	return template;
}

/** A template exactly as it ships. */
export function rawTemplate(file: string): Template {
	return JSON.parse(readFileSync(join(WORKFLOWS_DIR, file), 'utf8')) as Template;
}

/** The credentials one of our nodes shows with its settings (none for other nodes). */
export function shownCredentials(node: Template['nodes'][number]): INodeCredentialDescription[] {
	const type = OUR_NODES[node.type];
	if (!type) return [];
	const parameters = NodeHelpers.getNodeParameters(
		type.description.properties,
		node.parameters,
		true,
		false,
		node as INode,
		type.description,
	);
	return (type.description.credentials ?? []).filter((credential) =>
		NodeHelpers.displayParameter(parameters ?? {}, credential, node as INode, type.description),
	);
}

/** What the editor sends when a workflow is saved: the public API's workflow shape. */
export function editableWorkflow(w: Template) {
	return {
		name: w.name,
		nodes: w.nodes,
		connections: w.connections,
		settings: { executionOrder: 'v1', errorWorkflow: w.settings.errorWorkflow },
	};
}

export function templateFiles(): string[] {
	return readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith('.json'));
}

export function nodeNamed(template: Template, name: string) {
	const node = template.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`${template.id} has no node "${name}"`);
	return node;
}

/**
 * The credentials the templates refer to (same ids), pointed at the test
 * environment: what a user does by picking their credentials after import.
 */
export function testCredentials(database: string) {
	const env = testEnv();
	return [
		{
			id: 'sbPostgresCred01',
			name: 'Stack Backup Postgres (n8n database)',
			type: 'stackBackupPostgresApi',
			data: {
				host: '127.0.0.1',
				port: env.containerPostgres.port,
				database,
				user: env.containerPostgres.user,
				password: env.containerPostgres.password,
				ssl: 'disable',
				allowUnauthorizedCerts: false,
			},
		},
		{
			id: 'sbRedisCred00001',
			name: 'Stack Backup Redis',
			type: 'stackBackupRedisApi',
			data: { host: '127.0.0.1', port: env.containerRedis.port, database: 0 },
		},
		{
			id: 'sbDockerCred0001',
			name: 'Stack Backup Docker Engine',
			type: 'stackBackupDockerApi',
			data: { connection: 'socket', socketPath: env.dockerSocket },
		},
		{
			id: 'sbS3Cred00000001',
			name: 'Stack Backup S3 (test gateway)',
			type: 'stackBackupS3Api',
			data: {
				endpoint: env.s3.endpoint,
				region: env.s3.region,
				accessKeyId: env.s3.accessKeyId,
				secretAccessKey: env.s3.secretAccessKey,
				forcePathStyle: true,
				caCertificate: '',
			},
		},
	];
}
