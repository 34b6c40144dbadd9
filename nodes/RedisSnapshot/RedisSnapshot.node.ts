import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { backupRedis, backupReport, parseCompression, type RedisMethod } from '../../core';
import { resolveBackupRoot } from '../shared/backupRootAccess';
import { backupSetFields } from '../shared/commonFields';
import { coreLoggerFor } from '../shared/coreLogger';
import { dockerConnectionFrom, redisConnectionFrom } from '../shared/credentialConnections';
import { stackBackupDockerConnectionTest, stackBackupRedisConnectionTest } from '../shared/credentialTests';
import { runForEachItem } from '../shared/runForEachItem';

export class RedisSnapshot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Redis Snapshot',
		name: 'redisSnapshot',
		icon: { light: 'file:redisSnapshot.svg', dark: 'file:redisSnapshot.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["method"]}}',
		description: 'Take a consistent RDB snapshot of Redis into a verified backup set',
		defaults: { name: 'Redis Snapshot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'stackBackupRedisApi', required: true, testedBy: 'stackBackupRedisConnectionTest' },
			{
				name: 'stackBackupDockerApi',
				required: true,
				testedBy: 'stackBackupDockerConnectionTest',
				displayOptions: { show: { method: ['docker'] } },
			},
		],
		properties: [
			{
				displayName: 'Method',
				name: 'method',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Network (Replication)',
						value: 'sync',
						description: 'Receive the RDB like a replica does (as redis-cli --rdb); needs no Docker and no shared files',
					},
					{
						name: 'Docker Container',
						value: 'docker',
						description: 'BGSAVE inside the Redis container, then copy dump.rdb out through the Docker API',
					},
					{
						name: 'Local File',
						value: 'file',
						description: 'BGSAVE over the network, then read the dump file from this machine (Redis on the same host)',
					},
				],
				default: 'sync',
			},
			{
				displayName: 'Container Name',
				name: 'containerName',
				type: 'string',
				default: 'redis',
				required: true,
				displayOptions: { show: { method: ['docker'] } },
			},
			{
				displayName: 'Dump File Path',
				name: 'filePath',
				type: 'string',
				default: '',
				placeholder: '/var/lib/redis/dump.rdb',
				description: "Leave empty to ask Redis (CONFIG GET dir and dbfilename)",
				displayOptions: { show: { method: ['file'] } },
			},
			...backupSetFields('n8n-redis'),
			{
				displayName: 'BGSAVE Timeout (Seconds)',
				name: 'bgsaveTimeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 300,
				description: 'How long to wait for Redis to write its snapshot',
			},
		],
	};

	methods = {
		credentialTest: { stackBackupRedisConnectionTest, stackBackupDockerConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const log = coreLoggerFor(this);
		const executionId = this.getExecutionId();
		return runForEachItem(this, async (i): Promise<IDataObject> => {
			const method = this.getNodeParameter('method', i) as RedisMethod;
			const root = await resolveBackupRoot(this, this.getNodeParameter('backupRoot', i) as string, i);
			const connection = redisConnectionFrom(await this.getCredentials<ICredentialDataDecryptedObject>('stackBackupRedisApi', i));
			const docker =
				method === 'docker'
					? {
							connection: dockerConnectionFrom(await this.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', i)),
							container: this.getNodeParameter('containerName', i) as string,
						}
					: undefined;
			const result = await backupRedis({
				root,
				setName: this.getNodeParameter('setName', i) as string,
				runId: executionId,
				log,
				method,
				connection,
				docker,
				filePath: method === 'file' ? (this.getNodeParameter('filePath', i, '') as string) || undefined : undefined,
				compression: parseCompression(this.getNodeParameter('compression', i) as string),
				bgsaveTimeoutMs: (this.getNodeParameter('bgsaveTimeoutSeconds', i, 300) as number) * 1000,
			});
			return backupReport(result);
		});
	}
}
