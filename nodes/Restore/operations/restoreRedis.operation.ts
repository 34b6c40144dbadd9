import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { restoreRedis } from '../../../core';
import { coreLoggerFor } from '../../shared/coreLogger';
import { dockerConnectionFrom, redisConnectionFrom } from '../../shared/credentialConnections';
import { readSetFolder, setFolderField } from './setFolderField';
import { readDecryptionKeys } from '../../shared/encryptionFields';
import { readTrust } from '../../shared/signingFields';

export const fields: INodeProperties[] = [
	setFolderField(['restoreRedis']),
	{
		displayName: 'Redis Container Name',
		name: 'redisContainer',
		type: 'string',
		default: 'redis',
		required: true,
		description: 'The Redis container to restore into: it is stopped, gets the RDB in its data folder, and is started again',
		displayOptions: { show: { operation: ['restoreRedis'] } },
	},
];

export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const redis = redisConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupRedisApi', i));
	const result = await restoreRedis({
		setPath: await readSetFolder(ctx, i),
		keys: await readDecryptionKeys(ctx, i),
		trust: await readTrust(ctx, i),
		docker: {
			connection: dockerConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', i)),
			container: ctx.getNodeParameter('redisContainer', i) as string,
		},
		connection: { port: redis.port, user: redis.user, password: redis.password },
		log: coreLoggerFor(ctx),
	});
	return { ...result, verified: result.differences.length === 0 } as unknown as IDataObject;
}
