import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { backupRedis, backupReport, DEFAULT_BGSAVE_TIMEOUT_SECONDS, type RedisMethod } from '../../core';
import { backupSetFields, readBackupSetFields } from '../shared/commonFields';
import { redisConnectionFrom } from '../shared/credentialConnections';
import { containerNameField, readContainerTarget } from '../shared/dockerTarget';
import { stackBackupDockerConnectionTest, stackBackupRedisConnectionTest, stackBackupEncryptionTest } from '../shared/credentialTests';
import { runForEachItem } from '../shared/runForEachItem';
import type { FieldNames } from '../shared/fieldNames';

// This panel's container field is the shared "Container Name".
const REDIS_FIELD_NAMES: FieldNames = { redisContainer: 'Container Name' };

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
			{
				name: 'stackBackupEncryptionApi',
				required: true,
				testedBy: 'stackBackupEncryptionTest',
				displayOptions: { show: { encrypt: [true] } },
			},
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
			containerNameField('redis', 'Redis'),
			{
				displayName: 'Dump File Path',
				name: 'filePath',
				type: 'string',
				default: '',
				placeholder: '/var/lib/redis/dump.rdb',
				description: 'Leave empty to ask Redis (CONFIG GET dir and dbfilename)',
				displayOptions: { show: { method: ['file'] } },
			},
			...backupSetFields('n8n-redis'),
			{
				displayName: 'BGSAVE Timeout (Seconds)',
				name: 'bgsaveTimeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_BGSAVE_TIMEOUT_SECONDS,
				description: 'How long to wait for Redis to write its snapshot',
			},
		],
	};

	methods = {
		credentialTest: { stackBackupRedisConnectionTest, stackBackupDockerConnectionTest, stackBackupEncryptionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runForEachItem(
			this,
			async (i): Promise<IDataObject> => {
				const method = this.getNodeParameter('method', i) as RedisMethod;
				const result = await backupRedis({
					...(await readBackupSetFields(this, i)),
					method,
					connection: redisConnectionFrom(await this.getCredentials<ICredentialDataDecryptedObject>('stackBackupRedisApi', i)),
					docker: method === 'docker' ? await readContainerTarget(this, i) : undefined,
					filePath: method === 'file' ? (this.getNodeParameter('filePath', i, '') as string) || undefined : undefined,
					bgsaveTimeoutSeconds: this.getNodeParameter('bgsaveTimeoutSeconds', i) as number | string,
				});
				return backupReport(result);
			},
			REDIS_FIELD_NAMES,
		);
	}
}
