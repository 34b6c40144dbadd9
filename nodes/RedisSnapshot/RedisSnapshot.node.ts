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
import {
	stackBackupDockerConnectionTest,
	stackBackupRedisConnectionTest,
	stackBackupEncryptionTest,
	stackBackupSigningKeyTest,
	stackBackupS3ConnectionTest,
} from '../shared/credentialTests';
import { runForEachItem } from '../shared/runForEachItem';
import type { FieldNames } from '../shared/fieldNames';
import { encryptField } from '../shared/encryptionFields';
import { signField } from '../shared/signingFields';
import { stallTimeoutOption } from '../shared/timeoutFields';
import { storageField } from '../shared/storageFields';

// This panel's container field is the shared "Container Name".
const REDIS_FIELD_NAMES: FieldNames = { redisContainer: 'Container Name' };

export class RedisSnapshot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Redis Snapshot',
		name: 'redisSnapshot',
		icon: { light: 'file:redisSnapshot.svg', dark: 'file:redisSnapshot.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{"snapshot: " + ({"sync": "over the network", "docker": "in container " + $parameter["containerName"], "file": "from the dump file"}[$parameter["method"]] || $parameter["method"])}}',
		description: 'Take a consistent RDB snapshot of Redis into a verified backup set',
		defaults: { name: 'Redis Snapshot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'stackBackupS3Api',
				displayName: 'Credential for S3',
				required: true,
				testedBy: 'stackBackupS3ConnectionTest',
				displayOptions: { show: { storage: ['s3'] } },
			},
			{ name: 'stackBackupRedisApi', displayName: 'Credential for Redis', required: true, testedBy: 'stackBackupRedisConnectionTest' },
			{
				name: 'stackBackupDockerApi',
				displayName: 'Credential for Docker Engine',
				required: true,
				testedBy: 'stackBackupDockerConnectionTest',
				displayOptions: { show: { method: ['docker'] } },
			},
			{
				name: 'stackBackupEncryptionApi',
				displayName: 'Credential for Encryption',
				required: true,
				testedBy: 'stackBackupEncryptionTest',
				displayOptions: { show: { encrypt: [true] } },
			},
			{
				name: 'stackBackupSigningKeyApi',
				displayName: 'Credential for Signing',
				required: true,
				testedBy: 'stackBackupSigningKeyTest',
				displayOptions: { show: { sign: [true] } },
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
						name: 'In the Redis Container',
						value: 'docker',
						description: 'BGSAVE inside the Redis container, then copy dump.rdb out through the Docker Engine',
					},
					{
						name: 'From the Dump File',
						value: 'file',
						description: 'BGSAVE over the network, then read dump.rdb from this machine (Redis on the same host)',
					},
				],
				default: 'sync',
			},
			encryptField,
			signField,
			storageField,
			containerNameField('redis', 'Redis'),
			{
				displayName: 'Dump File Path',
				name: 'filePath',
				type: 'string',
				default: '',
				placeholder: 'Asked from Redis (CONFIG GET dir, dbfilename)',
				description: 'Where Redis writes dump.rdb on this machine. Empty: asked from Redis.',
				displayOptions: { show: { method: ['file'] } },
			},
			...backupSetFields('n8n-redis'),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Snapshot Timeout (Seconds)',
						name: 'bgsaveTimeoutSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_BGSAVE_TIMEOUT_SECONDS,
						description: 'How long Redis may take to write its snapshot before the run fails',
					},
					stallTimeoutOption,
				],
			},
		],
	};

	methods = {
		credentialTest: {
			stackBackupRedisConnectionTest,
			stackBackupDockerConnectionTest,
			stackBackupEncryptionTest,
			stackBackupSigningKeyTest,
			stackBackupS3ConnectionTest,
		},
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
					bgsaveTimeoutSeconds: (this.getNodeParameter('options', i, {}) as IDataObject).bgsaveTimeoutSeconds as
						| number
						| string
						| undefined,
				});
				return backupReport(result);
			},
			REDIS_FIELD_NAMES,
		);
	}
}
