import { basename, dirname, join } from 'node:path';
import type { DecryptionKeys } from '../archive/ageKeys';
import type { PlannedSet, PlanTarget } from '../backupSet/recoveryPlan';
import { artifactOfKind, verifySetForRestore, type VerifiedSet } from '../backupSet/verifySet';
import type { TrustOptions } from '../backupSet/setSigning';
import type { ArchiveCounts } from '../volume/archiveEntryGuard';
import { VOLUME_ARTIFACT_KIND } from '../volume/volumeBackup';
import type { DockerConnection } from '../docker/dockerConnection';
import type { Logger } from '../logging/Logger';
import {
	loadingDatabaseName,
	loadPostgresAside,
	restorePostgres,
	swapInLoaded,
	type LoadedAside,
	type PostgresRestoreOptions,
} from '../postgres/postgresRestore';
import { EarlyPostgresLoad } from './earlyPostgresLoad';
import { restoreRedis } from '../redis/redisRestore';
import { restoreFiles } from '../volume/filesRestore';
import { checkVolumeArchive, restoreVolume } from '../volume/volumeRestore';
import { diffEnvFiles, type EnvDiff } from './envDiff';
import type { Place } from '../storage/Storage';
import type { RecoveryTarget } from '../postgres/pitrPlan';
import { restoreToPointInTime } from '../postgres/pitrRestore';
import { StackBackupError } from '../errors/StackBackupError';

export interface RestoreContext {
	docker: DockerConnection;
	keys?: DecryptionKeys;
	postgresPassword?: string;
	redisPassword?: string;
	/** Names the folder the config files go to, beside the live one. */
	stamp: string;
	/** The live config folder on this machine, where it differs from the path the backup saw (inside n8n's container). */
	configDir?: string;
	log: Logger;
	/** The backup root the plan was read from: point-in-time recovery reads the set's WAL there. */
	root: Place;
	/** Recover Postgres base backups to this moment (or the newest WAL); without it, to the planned base backup's end. */
	to?: RecoveryTarget;
}

export interface PlannedRestore {
	/** One line for the terminal: what went where. */
	summary: string;
	differences: string[];
	workflowsChecked?: number;
	safetyBackup?: string | null;
	configDir?: string;
	envDiff?: EnvDiff | null;
}

/** The folder beside the live config folder that a recovery writes the config files into. */
export function recoveredConfigDir(liveDir: string, stamp: string): string {
	return join(dirname(liveDir), `${basename(liveDir)}.recovered-${stamp}`);
}

/** A planned set as the verify step left it: proven, and for a volume, what its archive holds. */
export interface ProvenSet {
	set: VerifiedSet;
	archive?: ArchiveCounts;
}

const ARCHIVE_TARGETS = new Set(['volume', 'dir']);

/**
 * Verifies one planned set before anything is stopped. A volume archive is read once: its
 * sha256 and the safety of every entry are checked in the same pass, and its restore does not
 * read it a second time. Every other artifact has its sha256 checked.
 */
export async function provePlannedSet(
	planned: PlannedSet,
	location: Place,
	context: { log: Logger; keys?: DecryptionKeys; trust?: TrustOptions },
): Promise<ProvenSet> {
	const { log, keys, trust } = context;
	if (!ARCHIVE_TARGETS.has(planned.target.kind)) return { set: await verifySetForRestore(location, log, keys, trust) };
	const set = await verifySetForRestore(location, log, keys, trust, VOLUME_ARTIFACT_KIND);
	const archive = await checkVolumeArchive(set);
	log.info(`Checked ${artifactOfKind(set, VOLUME_ARTIFACT_KIND).file}: sha256 matches the manifest; every entry stays inside its target`);
	return { set: { ...set, digestsPending: false }, archive };
}

/** Restores one verified set of the plan into its target, the way `restore` would, replacing what is there. */
export async function restorePlannedSet(
	planned: PlannedSet,
	proven: ProvenSet,
	context: RestoreContext,
	/** A Postgres dump already loading beside its target (see startEarlyLoad): only its swap is left. */
	loadedEarly?: Promise<LoadedAside>,
): Promise<PlannedRestore> {
	const set = proven.set;
	const common = { setPath: set.dir, verified: set, keys: context.keys, log: context.log };
	const target = planned.target;
	switch (target.kind) {
		case 'postgres': {
			if (isBaseBackup(set)) return restoreBaseBackup(planned, set, context);
			const result = loadedEarly ? await swapInLoaded(await loadedEarly) : await restorePostgres(postgresOptions(target, set, context));
			return {
				summary: `database "${target.database}"${target.container ? ` in ${target.container}` : ` on ${target.host}:${target.port}`}${result.replaced ? ` (replaced; safety backup ${result.safetyBackup})` : ''}`,
				differences: result.comparison.differences,
				workflowsChecked: result.comparison.workflowsChecked,
				safetyBackup: result.safetyBackup,
			};
		}
		case 'redis': {
			const result = await restoreRedis({
				...common,
				docker: { connection: context.docker, container: target.container },
				connection: { port: target.port, user: target.user, password: context.redisPassword },
			});
			return {
				summary: `Redis in ${target.container}: ${Object.values(result.keys).reduce((n, k) => n + k, 0)} keys`,
				differences: result.differences,
			};
		}
		case 'volume':
		case 'dir': {
			const result = await restoreVolume({
				...common,
				target: target.kind === 'volume' ? { type: 'volume', volume: target.volume } : { type: 'dir', path: target.path },
				archiveChecked: proven.archive,
				overwrite: true,
				docker: context.docker,
			});
			return {
				summary: `${target.kind === 'volume' ? `volume ${target.volume}` : `folder ${target.path}`}: ${result.archive.files} files`,
				differences: result.differences,
			};
		}
		case 'files': {
			const live = context.configDir ?? target.dir;
			const dir = recoveredConfigDir(live, context.stamp);
			const result = await restoreFiles({ ...common, dir });
			return {
				summary: `${result.files.length} config files into ${dir} (beside ${live}; the live ones are untouched)`,
				differences: [],
				configDir: dir,
				envDiff: await diffEnvFiles(live, dir),
			};
		}
	}
}

type PostgresContext = Pick<RestoreContext, 'docker' | 'keys' | 'postgresPassword' | 'log'>;
type PostgresTarget = Extract<PlanTarget, { kind: 'postgres' }>;

function postgresOptions(target: PostgresTarget, set: VerifiedSet, context: PostgresContext): PostgresRestoreOptions {
	return {
		setPath: set.dir,
		verified: set,
		keys: context.keys,
		log: context.log,
		method: target.container ? 'docker' : 'local',
		docker: target.container ? { connection: context.docker, container: target.container } : undefined,
		connection: {
			host: target.host,
			port: target.port,
			database: target.database,
			user: target.user,
			password: context.postgresPassword,
		},
		// A recovery replaces the database it names: running it is the confirmation; the safety backup keeps the old one.
		confirmReplace: target.database,
	};
}

/**
 * Starts loading a proven Postgres dump beside its target, for a recovery that goes on to
 * restore (see EarlyPostgresLoad); null for any other set, and for a base backup (it replaces
 * the whole cluster, so it waits for its step).
 */
export function startEarlyLoad(planned: PlannedSet, proven: ProvenSet, context: PostgresContext): EarlyPostgresLoad | null {
	const target = planned.target;
	if (target.kind !== 'postgres' || isBaseBackup(proven.set)) return null;
	const options = postgresOptions(target, proven.set, context);
	return new EarlyPostgresLoad(planned.set, loadingDatabaseName(target.database), (signal) => loadPostgresAside(options, signal));
}

export function isBaseBackup(set: Pick<VerifiedSet, 'manifest'>): boolean {
	return set.manifest.artifacts.some((a) => a.kind === 'postgres' && a.format === 'physical');
}

/** A base backup brings the whole cluster back into its container's volume, to a moment or to its own end. */
async function restoreBaseBackup(planned: PlannedSet, set: VerifiedSet, context: RestoreContext): Promise<PlannedRestore> {
	const target = planned.target;
	if (target.kind !== 'postgres' || !target.container) {
		throw new StackBackupError('PITR_UNSUPPORTED', `The plan's base backup ${planned.set}/${planned.run} names no Postgres container`, {
			hint: "A base backup restores into a Postgres container's data volume. For a server reached over TCP, extract base.tar into its stopped data folder by hand, or keep nightly dumps for it.",
		});
	}
	const result = await restoreToPointInTime({
		root: context.root,
		setName: planned.set,
		to: context.to ?? 'base-end',
		baseRun: context.to ? undefined : set.place,
		docker: context.docker,
		target: { type: 'container', container: target.container, replaceData: true },
		keys: context.keys,
		log: context.log,
	});
	return {
		summary: `cluster in ${target.container} recovered to ${result.target} (base ${result.base}, ${result.walFiles} WAL files, recovery ${Math.round(result.recoveryMs / 100) / 10} s)`,
		differences: result.differences,
		workflowsChecked: result.workflows ? Object.keys(result.workflows).length : undefined,
	};
}
