import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { extractWorkflow } from '../../../core';
import { coreLoggerFor } from '../../shared/coreLogger';
import { dockerConnectionFrom } from '../../shared/credentialConnections';
import { readSetFolder, setFolderField } from './setFolderField';
import { readDecryptionKeys } from '../../shared/encryptionFields';
import { readTrust } from '../../shared/signingFields';

export const fields: INodeProperties[] = [
	setFolderField(['extractWorkflow']),
	{
		displayName: 'Workflow ID',
		name: 'workflowId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of the workflow in the backup ("List Workflows" shows them)',
		displayOptions: { show: { operation: ['extractWorkflow'] } },
	},
];

/**
 * The workflow as `workflow`, ready for n8n's own n8n node ("Create a
 * workflow", Workflow Object = {{ JSON.stringify($json.workflow) }}).
 */
export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const method = ctx.getNodeParameter('method', i) as 'docker' | 'local';
	const result = await extractWorkflow({
		setPath: await readSetFolder(ctx, i),
		keys: await readDecryptionKeys(ctx, i),
		trust: await readTrust(ctx, i),
		workflowId: ctx.getNodeParameter('workflowId', i) as string,
		pgRestore: {
			method,
			connection: { database: 'postgres' },
			docker:
				method === 'docker'
					? {
							connection: dockerConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', i)),
							container: ctx.getNodeParameter('containerName', i) as string,
						}
					: undefined,
		},
		log: coreLoggerFor(ctx),
	});
	return result as unknown as IDataObject;
}
