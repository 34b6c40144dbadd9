import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { restoreVolume, type RestoreTarget } from '../../../core';
import { resolveAllowedPath } from '../../shared/backupRootAccess';
import { coreLoggerFor } from '../../shared/coreLogger';
import { dockerConnectionFrom } from '../../shared/credentialConnections';
import { readSetFolder, setFolderField } from './setFolderField';
import { readDecryptionKeys } from '../../shared/encryptionFields';
import { readTrust } from '../../shared/signingFields';

const show = { operation: ['restoreVolume'] };

export const fields: INodeProperties[] = [
	setFolderField(['restoreVolume']),
	{
		displayName: 'Restore Into',
		name: 'targetType',
		type: 'options',
		options: [
			{
				name: 'Docker Volume',
				value: 'volume',
				description: 'Created when missing; written through a helper container that is never started',
			},
			{ name: 'Folder', value: 'dir', description: 'A folder on the n8n machine (created when missing)' },
		],
		default: 'volume',
		displayOptions: { show },
	},
	{
		displayName: 'Volume Name',
		name: 'volumeName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'n8n_data_restored',
		displayOptions: { show: { ...show, targetType: ['volume'] } },
	},
	{
		displayName: 'Helper Image',
		name: 'helperImage',
		type: 'string',
		default: '',
		description: 'Image for the helper container (never pulled). Empty: the image the backup used, or one of a container using the volume.',
		displayOptions: { show: { ...show, targetType: ['volume'] } },
	},
	{
		displayName: 'Folder Path',
		name: 'targetFolder',
		type: 'string',
		default: '',
		required: true,
		placeholder: '~/.n8n-files/restored',
		displayOptions: { show: { ...show, targetType: ['dir'] } },
	},
	{
		displayName: 'Overwrite Existing Files',
		name: 'overwrite',
		type: 'boolean',
		default: false,
		description: 'Whether files already in the target are replaced by those of the set. Nothing is ever deleted.',
		displayOptions: { show },
	},
];

export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const type = ctx.getNodeParameter('targetType', i) as 'volume' | 'dir';
	const target: RestoreTarget =
		type === 'volume'
			? {
					type,
					volume: ctx.getNodeParameter('volumeName', i) as string,
					image: (ctx.getNodeParameter('helperImage', i, '') as string) || undefined,
				}
			: { type, path: await resolveAllowedPath(ctx, ctx.getNodeParameter('targetFolder', i) as string, i, 'target folder', 'write to') };
	const result = await restoreVolume({
		setPath: await readSetFolder(ctx, i),
		keys: await readDecryptionKeys(ctx, i),
		trust: await readTrust(ctx, i),
		target,
		overwrite: ctx.getNodeParameter('overwrite', i, false) as boolean,
		docker:
			type === 'volume'
				? dockerConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', i))
				: undefined,
		log: coreLoggerFor(ctx),
	});
	return { ...result, verified: result.differences.length === 0 } as unknown as IDataObject;
}
