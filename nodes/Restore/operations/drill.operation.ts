import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { drillFailedError, runRestoreDrill, type DrillOptions, type DrillVerdict, type ScratchRedis } from '../../../core';
import { resolveAllowedPath } from '../../shared/backupRootAccess';
import { setPlace } from './setFolderField';
import { coreLoggerFor } from '../../shared/coreLogger';
import { dockerConnectionFrom, pgConnectionFrom } from '../../shared/credentialConnections';
import { splitList } from '../../shared/splitList';
import { readDecryptionKeys } from '../../shared/encryptionFields';
import { readTrust } from '../../shared/signingFields';
import type { FieldNames } from '../../shared/fieldNames';

const show = { operation: ['drill'] };

export const fields: INodeProperties[] = [
	{
		displayName: 'Set Folders',
		name: 'setFolders',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: '~/.n8n-files/backups/n8n-postgres\n~/.n8n-files/backups/n8n-redis\n~/.n8n-files/backups/n8n-data',
		description:
			'One per line (or comma-separated): set folders (their newest complete run is drilled) or run folders. One verdict item per set.',
		displayOptions: { show },
	},
	{
		displayName: 'Scratch Postgres',
		name: 'scratchPostgres',
		type: 'options',
		options: [
			{
				name: 'In the Postgres Container',
				value: 'docker',
				description: 'A scratch database on the server of the container, restored with its own tools',
			},
			{
				name: 'On This Machine',
				value: 'local',
				description: "A scratch database on the credential's server, restored with psql/pg_restore on this machine",
			},
			{ name: 'None', value: 'none', description: 'Sets with a dump then fail: an unrestored dump is not proven' },
		],
		default: 'docker',
		description: 'Where dumps are restored; the scratch database is dropped afterwards, and the live database is never touched',
		displayOptions: { show },
	},
	{
		displayName: 'Postgres Container Name',
		name: 'postgresContainer',
		type: 'string',
		default: 'postgres',
		displayOptions: { show: { ...show, scratchPostgres: ['docker'] } },
	},
	{
		displayName: 'Scratch Redis',
		name: 'scratchRedis',
		type: 'options',
		options: [
			{
				name: 'Container Like the Live One',
				value: 'container',
				description: "A throwaway container from the live Redis container's image, without network",
			},
			{
				name: 'A Redis Server on This Machine',
				value: 'local',
				description: 'A throwaway redis-server on a free loopback port (needs redis-server on this machine)',
			},
		],
		default: 'container',
		description: 'Where Redis snapshots are loaded to count their keys; the live Redis is never touched',
		displayOptions: { show },
	},
	{
		displayName: 'Redis Container Name',
		name: 'redisContainer',
		type: 'string',
		default: 'redis',
		description: 'The live Redis container whose image the scratch container uses (it is not touched)',
		displayOptions: { show: { ...show, scratchRedis: ['container'] } },
	},
	{
		displayName: 'Scratch Folder',
		name: 'scratchFolder',
		type: 'string',
		default: '',
		placeholder: 'The system temp folder',
		description: 'Where volume sets are extracted for the drill (removed afterwards). Empty: the system temp folder.',
		displayOptions: { show },
	},
	{
		displayName: 'Error When a Drill Fails',
		name: 'errorOnFail',
		type: 'boolean',
		default: true,
		description:
			'Whether a failed verdict stops the workflow, so its error workflow sends the alert. Off: failed verdicts are output as items.',
		displayOptions: { show },
	},
];

/** The drill names its scratch containers apart. */
export const FIELD_NAMES: FieldNames = { postgresContainer: 'Postgres Container Name', redisContainer: 'Redis Container Name' };

export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const scratchPostgres = ctx.getNodeParameter('scratchPostgres', i) as 'docker' | 'local' | 'none';
	const scratchRedis = ctx.getNodeParameter('scratchRedis', i) as 'container' | 'local';
	const needsDocker = scratchPostgres === 'docker' || scratchRedis === 'container';
	const docker = needsDocker
		? dockerConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', i))
		: undefined;
	const postgres: DrillOptions['postgres'] =
		scratchPostgres === 'none'
			? undefined
			: {
					method: scratchPostgres,
					connection: pgConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupPostgresApi', i)),
					docker:
						scratchPostgres === 'docker'
							? { connection: docker!, container: ctx.getNodeParameter('postgresContainer', i) as string }
							: undefined,
				};
	const redis: ScratchRedis =
		scratchRedis === 'container'
			? { type: 'container', docker: docker!, likeContainer: ctx.getNodeParameter('redisContainer', i) as string }
			: { type: 'local' };
	const scratchFolder = ctx.getNodeParameter('scratchFolder', i, '') as string;
	const folders = splitList(ctx.getNodeParameter('setFolders', i));
	if (folders.length === 0)
		throw new NodeOperationError(ctx.getNode(), 'No set folder was given', {
			itemIndex: i,
			description: 'List the set folders to drill, one per line.',
		});

	const verdicts: DrillVerdict[] = [];
	for (const folder of folders) {
		verdicts.push(
			await runRestoreDrill({
				setPath: await setPlace(ctx, folder, i),
				keys: await readDecryptionKeys(ctx, i),
				trust: await readTrust(ctx, i),
				postgres,
				redis,
				scratchDir: scratchFolder ? await resolveAllowedPath(ctx, scratchFolder, i, 'scratch folder', 'write to') : undefined,
				log: coreLoggerFor(ctx),
			}),
		);
	}
	const failed = verdicts.filter((v) => v.verdict === 'fail');
	if (failed.length && ctx.getNodeParameter('errorOnFail', i, true)) {
		throw drillFailedError(failed);
	}
	return verdicts as unknown as IDataObject[];
}
