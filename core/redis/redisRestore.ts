import type { DecryptionKeys } from '../archive/ageKeys';
import type { TrustOptions } from '../backupSet/setSigning';
import { posix } from 'node:path';
import { openArtifact } from '../backupSet/openArtifact';
import type { ArtifactRecord } from '../backupSet/manifest';
import { singleFileTar } from '../archive/singleFileTar';
import { artifactOfKind, checkSetForRestore, explainReadFailure, type VerifiedSet } from '../backupSet/verifySet';
import { createDockerClient, type DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { pathOwner } from '../docker/pathOwner';
import { getRunningContainer } from '../docker/runningContainer';
import { stopContainers } from '../docker/stopContainers';
import { StackBackupError } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { containerRedisCommands } from './containerRedisCommands';
import { dumpPath } from './dumpPath';
import { REDIS_ARTIFACT_KIND, type RedisInventory } from './redisBackup';
import { compareKeyCounts, waitForLoadedRedis } from './redisReadiness';
import { createReadStream } from 'node:fs';
import { addAbortSignal } from 'node:stream';
import { stageInTempFile, type StagedFile } from '../storage/tempStaging';
import type Docker from 'dockerode';
import type { RedisCommands } from './RedisCommands';
import { RdbValidator } from './RdbValidator';
import { invalidOption } from '../options/invalidOption';
import { type Location } from '../storage/openPlace';

export interface RedisRestoreOptions {
	/** Opens the set's encrypted artifacts (age identities or passphrases). */
	keys?: DecryptionKeys;
	/** Whose signed sets to accept (public keys), or to accept unsigned ones where that is risky. */
	trust?: TrustOptions;
	/** A run or set folder: a path, or a place opened with openPlace (a bucket). */
	setPath: Location;
	docker: { connection: DockerConnection; container: string };
	/** How redis-cli inside the container reaches the server (port, user, password). */
	connection: { port?: number; user?: string; password?: string };
	log?: Logger;
	verified?: VerifiedSet;
	loadTimeoutMs?: number;
}

export interface RedisRestoreResult {
	set: string;
	artifact: string;
	container: string;
	path: string;
	keys: Record<string, number>;
	differences: string[];
	durationMs: number;
}

/** Where the container's Redis reads its RDB at start, and who owns it; refused when Redis would ignore it (AOF). */
async function rdbTarget(
	redis: RedisCommands,
	container: Docker.Container,
	name: string,
): Promise<{ path: string; owner: Awaited<ReturnType<typeof pathOwner>> }> {
	const [appendonly, path] = await Promise.all([redis.call('CONFIG', 'GET', 'appendonly'), dumpPath(redis)]);
	if (appendonly.split('\n')[1] === 'yes') {
		throw new StackBackupError(
			'REDIS_RESTORE_FAILED',
			`Redis in container "${name}" uses AOF persistence (appendonly yes): at start it would load its AOF and ignore the restored RDB`,
			{
				hint: 'Start it with appendonly no, restore, then run CONFIG SET appendonly yes (Redis then writes a new AOF from the restored data).',
			},
		);
	}
	const owner = (await pathOwner(container, path)) ?? (await pathOwner(container, posix.dirname(path)));
	return { path, owner };
}

/**
 * The archive API writes dump.rdb in place: a stream that failed half way would leave Redis a
 * truncated file it cannot start from, and the old data gone. So the RDB is decompressed once
 * into a temp file, its sha256, length, magic and CRC-64 checked on the way, before Redis is
 * stopped; the container gets that file.
 */
function stageRdb(set: VerifiedSet, artifact: ArtifactRecord, log: Logger, signal: AbortSignal): Promise<StagedFile> {
	log.info(`Reading ${artifact.file} into a temp file, checked, before Redis is touched`);
	return stageInTempFile(addAbortSignal(signal, openArtifact(set, artifact)), artifact.rawSize, {
		fileName: 'dump.rdb',
		why: 'the RDB is read whole before Redis is stopped',
		checks: [new RdbValidator()],
	}).catch(async (error: unknown) => {
		throw signal.aborted ? error : await explainReadFailure(set, artifact, error);
	});
}

/**
 * Puts a set's RDB into the Redis container's data folder: stop the
 * container, put the file through the archive API, start it (always), wait
 * until the dataset is loaded, and check the key counts against the manifest.
 */
export async function restoreRedis(options: RedisRestoreOptions): Promise<RedisRestoreResult> {
	const began = Date.now();
	const log = options.log ?? silentLogger;
	if (!options.docker?.container)
		throw invalidOption('redisContainer', 'Restoring Redis needs its container name', 'Name the Redis container, as `docker ps` shows it.');
	const set = options.verified ?? (await checkSetForRestore(options.setPath, log, options.keys, options.trust));
	const artifact = artifactOfKind(set, REDIS_ARTIFACT_KIND);
	const { connection: dockerConnection, container: name } = options.docker;
	const docker = createDockerClient(dockerConnection);
	const container = await getRunningContainer(docker, dockerConnection, name);
	const redis = containerRedisCommands(container, dockerConnection, name, options.connection);

	// The RDB is read and checked while Redis is asked where it keeps it: both before Redis is touched.
	const notNeeded = new AbortController();
	const staging = stageRdb(set, artifact, log, notNeeded.signal);
	let path: string;
	try {
		const [target, stagedRdb] = await Promise.all([rdbTarget(redis, container, name), staging]);
		path = target.path;
		const { restart } = await stopContainers(docker, dockerConnection, { names: [name] }, log);
		try {
			log.info(`Putting ${artifact.file} into ${name}:${target.path}`);
			const tar = singleFileTar(posix.basename(target.path), artifact.rawSize, createReadStream(stagedRdb.path), {
				uid: target.owner?.uid,
				gid: target.owner?.gid,
				mode: 0o600,
			});
			await container.putArchive(tar, { path: posix.dirname(target.path) }).catch((error: unknown) => {
				throw mapDockerError(error, dockerConnection, name);
			});
		} finally {
			await restart();
		}
	} finally {
		// A refused Redis (AOF) stops the staging: a large RDB is not read to its end for nothing.
		// (Once staged, the abort finds its stream ended and changes nothing.)
		notNeeded.abort();
		await staging.then(
			(file) => file.remove(),
			() => undefined,
		);
	}
	const keys = await waitForLoadedRedis(redis, options.loadTimeoutMs);
	const expected = (set.manifest.inventory[REDIS_ARTIFACT_KIND] as RedisInventory | undefined)?.keys;
	const differences = compareKeyCounts(keys, expected);
	if (differences.length) log.warn(`Redis came back with other key counts than the manifest: ${differences.join('; ')}`);
	else log.info(`Redis in ${name} loaded the set: ${Object.values(keys).reduce((a, b) => a + b, 0)} keys, as the manifest says`);
	return { set: set.dir, artifact: artifact.file, container: name, path, keys, differences, durationMs: Date.now() - began };
}
