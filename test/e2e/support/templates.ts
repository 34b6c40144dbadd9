import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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

export function loadTemplate(file: string): Template {
	return JSON.parse(readFileSync(join(WORKFLOWS_DIR, file), 'utf8'));
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
	];
}
