import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core reads its settings (user folder, file-access restriction) from the
// environment when its DI container first builds them: set them before loading it.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-user-'));
process.env.N8N_RESTRICT_FILE_ACCESS_TO ??= tmpdir();
process.env.N8N_LOG_LEVEL ??= 'silent';

import { CredentialTestContext, ExecuteContext } from 'n8n-core';
import { StackBackupDockerApi } from '../../credentials/StackBackupDockerApi.credentials';
import { StackBackupEncryptionApi } from '../../credentials/StackBackupEncryptionApi.credentials';
import { StackBackupPostgresApi } from '../../credentials/StackBackupPostgresApi.credentials';
import {
	createRunExecutionData,
	type ICredentialType,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IExecuteData,
	type INode,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	[new StackBackupPostgresApi(), new StackBackupDockerApi(), new StackBackupEncryptionApi()].map((c) => [c.name, c]),
);

export interface RunNodeOptions {
	parameters: INodeParameters;
	/** Decrypted credential data by credential type name. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	executionId?: string;
}

/**
 * Runs a node's execute() inside n8n-core's own ExecuteContext: real
 * parameter resolution, credential lookup through the node description,
 * continueOnFail, file-access checks and logger. Only the credential store is
 * stood in for, by a helper that hands back the test's decrypted data.
 */
export async function runNode(nodeType: INodeType, options: RunNodeOptions): Promise<INodeExecutionData[][]> {
	const typeName = `n8n-nodes-stack-backup.${nodeType.description.name}`;
	const node: INode = {
		id: 'node-under-test',
		name: nodeType.description.defaults.name ?? 'Node',
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		continueOnFail: options.continueOnFail,
		credentials: Object.fromEntries(Object.keys(options.credentials).map((type) => [type, { id: `${type}-id`, name: type }])),
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ id: 'wf', nodes: [node], connections: {}, active: false, nodeTypes });
	const items = options.items ?? [{ json: {} }];
	const additionalData = {
		executionId: options.executionId ?? 'exec-1',
		credentialsHelper: {
			getDecrypted: async (_data: unknown, _nodeCredentials: unknown, type: string) => {
				const data = options.credentials[type];
				if (!data) throw new Error(`no test credential of type ${type}`);
				return data;
			},
			// As n8n's CredentialsHelper: a credential type limits its nodes only through supportedNodes.
			isCredentialUsableByNode: (type: string, usingNodeType: string) => {
				const supported = credentialTypes[type]?.supportedNodes;
				return !supported || supported.includes(usingNodeType);
			},
			getCredentialsProperties: (type: string) => credentialTypes[type]?.properties ?? [],
		},
		currentNodeParameters: undefined,
		// What a real n8n passes; n8n-core derives $execution.resumeUrl from them.
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const executeData: IExecuteData = { node, data: { main: [items] }, source: { main: [null] } as never };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		createRunExecutionData(),
		0,
		items,
		{ main: [items] },
		executeData,
		[],
	);
	const output = await nodeType.execute!.call(context);
	if (!Array.isArray(output)) throw new Error('the node returned no output arrays');
	return output as INodeExecutionData[][];
}

/** Runs a credential type's test function the way n8n's credentials UI does. */
export async function testCredential(
	nodeType: INodeType,
	testName: string,
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const test = nodeType.methods?.credentialTest?.[testName];
	if (!test) throw new Error(`${nodeType.description.name} has no credential test ${testName}`);
	const credential: ICredentialsDecrypted = { id: 'c', name: 'c', type, data };
	return test.call(new CredentialTestContext(), credential);
}
