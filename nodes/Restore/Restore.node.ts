import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import {
	stackBackupDockerConnectionTest,
	stackBackupPostgresConnectionTest,
	stackBackupRedisConnectionTest,
	stackBackupEncryptionTest,
	stackBackupS3ConnectionTest,
	stackBackupSigningKeyTest,
} from '../shared/credentialTests';
import { decryptField } from '../shared/encryptionFields';
import { checkSignaturesField, trustUnsignedField } from '../shared/signingFields';
import { storageField } from '../shared/storageFields';
import { runForEachItem } from '../shared/runForEachItem';
import type { OutputItems } from '../shared/outputItems';
import * as compareWorkflows from './operations/compareWorkflows.operation';
import * as pickWorkflows from './operations/pickWorkflows.operation';
import * as drill from './operations/drill.operation';
import * as extractWorkflow from './operations/extractWorkflow.operation';
import * as listRuns from './operations/listRuns.operation';
import * as listWorkflows from './operations/listWorkflows.operation';
import * as pinRun from './operations/pinRun.operation';
import * as restorePostgres from './operations/restorePostgres.operation';
import * as restoreRedis from './operations/restoreRedis.operation';
import * as restoreVolume from './operations/restoreVolume.operation';
import * as restorePointInTime from './operations/restorePointInTime.operation';

type Operation = { fields: unknown; execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject | IDataObject[] | OutputItems> };

/** Each resource and the operations it offers: the options of the Resource and Operation fields. */
const ROUTES = {
	set: { restorePostgres, restorePointInTime, restoreRedis, restoreVolume, listRuns, pinRun, unpinRun: pinRun.unpin },
	drill: { drill },
	workflow: { listWorkflows, extractWorkflow, compareWorkflows, pickWorkflows },
} satisfies Record<string, Record<string, Operation>>;
type Resource = keyof typeof ROUTES;

function operationFor(ctx: IExecuteFunctions, i: number): Operation {
	const resource = ctx.getNodeParameter('resource', i) as string;
	// An unknown resource shows no Operation field at all, so n8n has no operation to give.
	const operation = ctx.getNodeParameter('operation', i, '') as string;
	const operations: Record<string, Operation> | undefined = Object.hasOwn(ROUTES, resource) ? ROUTES[resource as Resource] : undefined;
	const handler = operations && Object.hasOwn(operations, operation) ? operations[operation] : undefined;
	if (handler) return handler;
	throw new NodeOperationError(
		ctx.getNode(),
		operations ? `Stack Restore has no operation "${operation}" for resource "${resource}"` : `Stack Restore has no resource "${resource}"`,
		{
			itemIndex: i,
			description: `Pick the Resource and the Operation again in the node. Resources and their operations: ${Object.entries(ROUTES)
				.map(([r, ops]) => `${r} (${Object.keys(ops).join(', ')})`)
				.join('; ')}.`,
		},
	);
}

// Operations that read sets and change no target: no Postgres, Redis or Docker credential (extracting a custom dump may use Docker).
const BROWSING = ['listWorkflows', 'extractWorkflow', 'listRuns', 'pinRun', 'unpinRun', 'compareWorkflows', 'pickWorkflows'];

// Where the client programs run, for restoring a dump and for reading a custom-format one.
const USES_PG_TOOLS = ['restorePostgres', 'extractWorkflow'];

export class Restore implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stack Restore',
		name: 'restore',
		icon: { light: 'file:restore.svg', dark: 'file:restore.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{({"listRuns": "list: runs", "pinRun": "pin: run", "unpinRun": "unpin: run", "restorePostgres": "restore: Postgres dump", "restorePointInTime": "restore: to a point in time", "restoreRedis": "restore: Redis snapshot", "restoreVolume": "restore: volume or folder", "drill": "drill: restore and compare", "listWorkflows": "list: workflows", "compareWorkflows": "compare: with running n8n", "pickWorkflows": "take: workflows", "extractWorkflow": "extract: workflow"})[$parameter["operation"]] || $parameter["operation"]}}',
		description: 'Restore backup sets, prove them with restore drills, or bring back one workflow',
		defaults: { name: 'Stack Restore' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// n8n reads only the first entry of a credential type, so each is listed once. Their rules
		// only hide, never show, by operation: n8n takes a field that credentials are shown by, and
		// whose every option shows one, for an authentication switch, and hides it with the fields
		// that depend on it: Resource and Operation would vanish from the panel.
		credentials: [
			{
				name: 'stackBackupPostgresApi',
				displayName: 'Credential for Postgres',
				required: true,
				testedBy: 'stackBackupPostgresConnectionTest',
				displayOptions: {
					hide: { operation: ['restoreRedis', 'restoreVolume', 'restorePointInTime', ...BROWSING], scratchPostgres: ['none'] },
				},
			},
			{
				name: 'stackBackupRedisApi',
				displayName: 'Credential for Redis',
				required: true,
				testedBy: 'stackBackupRedisConnectionTest',
				displayOptions: { hide: { operation: ['restorePostgres', 'restoreVolume', 'restorePointInTime', 'drill', ...BROWSING] } },
			},
			{
				name: 'stackBackupDockerApi',
				displayName: 'Credential for Docker Engine',
				required: true,
				testedBy: 'stackBackupDockerConnectionTest',
				displayOptions: { hide: { operation: BROWSING.filter((o) => o !== 'extractWorkflow'), method: ['local'], targetType: ['dir'] } },
			},
			{
				name: 'stackBackupEncryptionApi',
				displayName: 'Credential for Encryption',
				required: true,
				testedBy: 'stackBackupEncryptionTest',
				displayOptions: { show: { decrypt: [true] } },
			},
			{
				name: 'stackBackupSigningKeyApi',
				displayName: 'Credential for Signing',
				required: true,
				testedBy: 'stackBackupSigningKeyTest',
				displayOptions: { show: { checkSignatures: [true] } },
			},
			{
				name: 'stackBackupS3Api',
				displayName: 'Credential for S3',
				required: true,
				testedBy: 'stackBackupS3ConnectionTest',
				displayOptions: { show: { storage: ['s3'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Backup Set', value: 'set', description: 'Restore a set into Postgres, Redis, a volume or a folder' },
					{ name: 'Restore Drill', value: 'drill', description: 'Prove sets restore, in scratch targets' },
					{ name: 'Workflow', value: 'workflow', description: 'Bring back one n8n workflow from a set' },
				],
				default: 'drill',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['set'] } },
				options: [
					{
						name: 'List Runs',
						value: 'listRuns',
						description: "A page of a set's complete runs, newest first, with size, age, warnings, pin and last drill",
						action: 'List the runs of a set',
					},
					{
						name: 'Pin',
						value: 'pinRun',
						description: 'Keep a run from retention whatever the keep rules say, with a reason',
						action: 'Pin a run',
					},
					{
						name: 'Restore Postgres',
						value: 'restorePostgres',
						description: 'Restore a dump into a new database, or replace one with confirmation',
						// eslint-disable-next-line n8n-nodes-base/node-param-operation-option-action-miscased -- product names keep their capitals in the node search
						action: 'Restore a Postgres dump',
					},
					{
						name: 'Restore Redis',
						value: 'restoreRedis',
						description: 'Put an RDB into the Redis container and check the keys',
						// eslint-disable-next-line n8n-nodes-base/node-param-operation-option-action-miscased -- product names keep their capitals in the node search
						action: 'Restore a Redis snapshot',
					},
					{
						name: 'Restore to a Point in Time',
						value: 'restorePointInTime',
						description: 'Recover a base backup and its WAL to any moment, in a scratch container made like the Postgres one',
						action: 'Restore to a point in time',
					},
					{
						name: 'Restore Volume or Folder',
						value: 'restoreVolume',
						description: 'Extract an archive into a Docker volume or a folder',
						action: 'Restore a volume or folder',
					},
					{
						name: 'Unpin',
						value: 'unpinRun',
						description: 'Let retention judge a pinned run by the keep rules again',
						action: 'Unpin a run',
					},
				],
				default: 'restorePostgres',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['drill'] } },
				options: [
					{
						name: 'Run Drill',
						value: 'drill',
						description: 'Restore sets into scratch targets, compare with their manifests, clean up',
						action: 'Run a restore drill',
					},
				],
				default: 'drill',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['workflow'] } },
				options: [
					{
						name: 'Extract',
						value: 'extractWorkflow',
						description: 'Output one workflow from a set, ready for the n8n node\'s "Create a workflow"',
						action: 'Extract a workflow',
					},
					{
						name: 'List',
						value: 'listWorkflows',
						description: 'One item per n8n workflow in a set, from its manifest',
						action: 'List workflows in a set',
					},
					{
						name: 'Compare With Running N8n',
						value: 'compareWorkflows',
						description: 'What changed since the backup: each workflow unchanged, changed, deleted or new',
						action: 'Compare a set with the running n8n',
					},
					{
						name: 'Take From Workflows JSON',
						value: 'pickWorkflows',
						description: "Chosen workflows from the set's workflows.JSON, as copies to create or as a JSON file; the dump is not read",
						action: 'Take workflows from a set',
					},
				],
				default: 'listWorkflows',
			},
			{
				...decryptField,
				displayOptions: {
					show: { operation: ['restorePostgres', 'restoreRedis', 'restoreVolume', 'drill', 'extractWorkflow', 'pickWorkflows'] },
				},
			},
			{
				...checkSignaturesField,
				displayOptions: {
					show: {
						operation: [
							'restorePostgres',
							'restoreRedis',
							'restoreVolume',
							'drill',
							'extractWorkflow',
							'listWorkflows',
							'listRuns',
							'compareWorkflows',
							'pickWorkflows',
						],
					},
				},
			},
			storageField,
			{
				displayName: 'Method',
				name: 'method',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'In the Postgres Container', value: 'docker', description: "The server container's own psql and pg_restore" },
					{ name: 'On This Machine', value: 'local', description: 'Psql and pg_restore where n8n runs (the PostgreSQL client)' },
				],
				default: 'docker',
				description: 'Where psql and pg_restore run',
				hint: 'Extracting a workflow needs them only for custom-format dumps; plain SQL dumps are read directly',
				displayOptions: { show: { operation: USES_PG_TOOLS } },
			},
			{
				displayName: 'Container Name',
				name: 'containerName',
				type: 'string',
				default: 'postgres',
				required: true,
				description: 'Name of the Postgres container, as `docker ps` shows it',
				displayOptions: { show: { operation: USES_PG_TOOLS, method: ['docker'] } },
			},
			...restorePostgres.fields,
			...restorePointInTime.fields,
			...restoreRedis.fields,
			...restoreVolume.fields,
			...drill.fields,
			...listWorkflows.fields,
			...listRuns.fields,
			...compareWorkflows.fields,
			...pickWorkflows.fields,
			...pinRun.fields,
			...extractWorkflow.fields,
			// Not a switch a credential depends on: it stands after the fields, not before the selectors.
			{
				...trustUnsignedField,
				displayOptions: { show: { operation: ['restorePostgres'], checkSignatures: [false] } },
			},
		],
	};

	methods = {
		credentialTest: {
			stackBackupPostgresConnectionTest,
			stackBackupRedisConnectionTest,
			stackBackupDockerConnectionTest,
			stackBackupEncryptionTest,
			stackBackupS3ConnectionTest,
			stackBackupSigningKeyTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const drilling = this.getNodeParameter('operation', 0, '') === 'drill';
		return runForEachItem(this, (i) => operationFor(this, i).execute(this, i), drilling ? drill.FIELD_NAMES : undefined);
	}
}
