import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DEFAULT_RESTORE_JOBS, restorePostgres } from '../../../core';
import { coreLoggerFor } from '../../shared/coreLogger';
import { pgConnectionFrom } from '../../shared/credentialConnections';
import { readContainerTarget } from '../../shared/dockerTarget';
import { readSetFolder, setFolderField } from './setFolderField';
import { readDecryptionKeys } from '../../shared/encryptionFields';
import { readTrust } from '../../shared/signingFields';

const show = { operation: ['restorePostgres'] };

export const fields: INodeProperties[] = [
	setFolderField(['restorePostgres']),
	{
		displayName: 'Target Database',
		name: 'targetDatabase',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'n8n_restored',
		description:
			'Database to restore into, on the server of the Postgres credential. A new name is created; an existing one needs the confirmation below.',
		displayOptions: { show },
	},
	{
		displayName: 'Replace Confirmation',
		name: 'confirmReplace',
		type: 'string',
		default: '',
		placeholder: 'Empty: never replace an existing database',
		description:
			'To restore over an existing database, type its name here. A safety backup of it is taken first (set "pre-restore-NAME" next to the restored set), then it is dropped and recreated.',
		displayOptions: { show },
	},
	{
		displayName: 'Parallel Jobs',
		name: 'jobs',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_RESTORE_JOBS,
		description: 'Pg_restore jobs for custom-format dumps (plain SQL always runs in one transaction)',
		displayOptions: { show },
	},
	{
		displayName: 'Skip Ownership',
		name: 'noOwner',
		type: 'boolean',
		default: false,
		description: 'Whether to leave out owners and privileges (custom format), for a server without the original roles',
		displayOptions: { show },
	},
];

export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const method = ctx.getNodeParameter('method', i) as 'docker' | 'local';
	const connection = pgConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupPostgresApi', i));
	const result = await restorePostgres({
		setPath: await readSetFolder(ctx, i),
		keys: await readDecryptionKeys(ctx, i),
		trust: await readTrust(ctx, i),
		method,
		connection: { ...connection, database: ctx.getNodeParameter('targetDatabase', i) as string },
		docker: method === 'docker' ? await readContainerTarget(ctx, i) : undefined,
		confirmReplace: (ctx.getNodeParameter('confirmReplace', i, '') as string) || undefined,
		jobs: ctx.getNodeParameter('jobs', i) as number | string,
		noOwner: ctx.getNodeParameter('noOwner', i, false) as boolean,
		log: coreLoggerFor(ctx),
	});
	return { ...result, verified: result.comparison.differences.length === 0 } as unknown as IDataObject;
}
