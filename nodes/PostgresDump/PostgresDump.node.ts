import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { backupPostgres, backupReport, checkWalHealth, collectWal, DEFAULT_WAL_MAX_AGE_MINUTES, stopWal, walHealthError } from '../../core';
import { backupSetFields, readBackupSetFields } from '../shared/commonFields';
import { pgConnectionFrom } from '../shared/credentialConnections';
import { containerNameField, readContainerTarget } from '../shared/dockerTarget';
import {
	stackBackupDockerConnectionTest,
	stackBackupPostgresConnectionTest,
	stackBackupEncryptionTest,
	stackBackupSigningKeyTest,
	stackBackupS3ConnectionTest,
} from '../shared/credentialTests';
import { runForEachItem } from '../shared/runForEachItem';
import { postgresDumpOptions, readDumpOptions } from './dumpOptionFields';
import { encryptField } from '../shared/encryptionFields';
import { signField } from '../shared/signingFields';
import { storageField } from '../shared/storageFields';

export class PostgresDump implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Postgres Dump',
		name: 'postgresDump',
		icon: { light: 'file:postgresDump.svg', dark: 'file:postgresDump.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{({ backup: "dump", collectWal: "collect WAL", checkWal: "check WAL", stopWal: "stop WAL" })[$parameter["operation"] || "backup"] + ": " + ($parameter["method"] === "docker" ? "in container " + $parameter["containerName"] : "on this machine")}}',
		description: "Dump a PostgreSQL database (such as n8n's own) into a verified backup set",
		defaults: { name: 'Postgres Dump' },
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
			{
				name: 'stackBackupPostgresApi',
				displayName: 'Credential for Postgres',
				required: true,
				testedBy: 'stackBackupPostgresConnectionTest',
			},
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
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Back Up',
						value: 'backup',
						action: 'Back up a database',
						description: 'Dump a database, or take a base backup of the whole cluster',
					},
					{
						name: 'Collect WAL',
						value: 'collectWal',
						action: 'Collect WAL for point in time recovery',
						description:
							"Gather Postgres' write-ahead log up to now, for recovery to any minute after a base backup (run it every 5 minutes)",
					},
					{
						name: 'Check WAL Collection',
						value: 'checkWal',
						action: 'Check that WAL collection advances',
						description: "Fail when collection has not advanced lately, or when the set's replication slot nears max_slot_wal_keep_size",
					},
					{
						name: 'Stop WAL Collection',
						value: 'stopWal',
						action: 'Stop WAL collection',
						description: "Turn point-in-time recovery off: drop the set's replication slot so Postgres keeps no WAL for it",
					},
				],
				default: 'backup',
			},
			{
				displayName: 'Method',
				name: 'method',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'In the Postgres Container',
						value: 'docker',
						description: "Run the server's own pg_dump inside its container, through the Docker Engine: versions always match",
					},
					{
						name: 'On This Machine',
						value: 'local',
						description: 'Run pg_dump where n8n runs, over TCP: needs the PostgreSQL client of the server major version',
					},
				],
				default: 'docker',
			},
			encryptField,
			signField,
			storageField,
			containerNameField('postgres', 'Postgres'),
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				options: [
					{ name: 'Plain SQL', value: 'plain', description: 'Readable SQL, restored with psql' },
					{ name: 'Custom', value: 'custom', description: 'Pg_dump archive, restored with pg_restore (parallel jobs)' },
					{
						name: 'Physical (Base Backup)',
						value: 'physical',
						description: 'The whole cluster (pg_basebackup): with collected WAL, restores to any minute after it',
					},
				],
				default: 'plain',
				displayOptions: { show: { operation: ['backup'] } },
			},
			...backupSetFields('n8n-postgres'),
			{
				displayName: 'Leave Out Execution History',
				name: 'n8nSkipExecutions',
				type: 'boolean',
				default: false,
				description:
					"Whether to leave out the rows of n8n's execution tables (often most of the database). Workflows, credentials and settings are kept.",
				displayOptions: { show: { operation: ['backup'], format: ['plain', 'custom'] } },
			},
			{
				displayName: 'Max Age (Minutes)',
				name: 'walMaxAgeMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_WAL_MAX_AGE_MINUTES,
				description: 'Fail when the newest WAL batch is older than this',
				displayOptions: { show: { operation: ['checkWal'] } },
			},
			{ ...postgresDumpOptions, displayOptions: { show: { operation: ['backup'] } } },
		],
	};

	methods = {
		credentialTest: {
			stackBackupPostgresConnectionTest,
			stackBackupDockerConnectionTest,
			stackBackupEncryptionTest,
			stackBackupSigningKeyTest,
			stackBackupS3ConnectionTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runForEachItem(this, async (i): Promise<IDataObject> => {
			const method = this.getNodeParameter('method', i) as 'docker' | 'local';
			const operation = this.getNodeParameter('operation', i, 'backup') as string;
			const target = {
				...(await readBackupSetFields(this, i)),
				method,
				connection: pgConnectionFrom(await this.getCredentials<ICredentialDataDecryptedObject>('stackBackupPostgresApi', i)),
				docker: method === 'docker' ? await readContainerTarget(this, i) : undefined,
			};
			if (operation === 'collectWal') return (await collectWal(target)) as unknown as IDataObject;
			if (operation === 'stopWal') return (await stopWal(target)) as unknown as IDataObject;
			if (operation === 'checkWal') {
				const health = await checkWalHealth({ ...target, maxAgeMinutes: this.getNodeParameter('walMaxAgeMinutes', i) as number });
				const problem = walHealthError(health);
				if (problem) throw problem;
				return health as unknown as IDataObject;
			}
			const result = await backupPostgres({
				...target,
				format: this.getNodeParameter('format', i) as 'plain' | 'custom' | 'physical',
				n8nSkipExecutions: this.getNodeParameter('n8nSkipExecutions', i, false) as boolean,
				...readDumpOptions(this.getNodeParameter('options', i, {}) as IDataObject),
			});
			return backupReport(result);
		});
	}
}
