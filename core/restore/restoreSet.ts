import type { DecryptionKeys } from '../archive/ageKeys';
import type { TrustOptions } from '../backupSet/setSigning';
import { checkSetForRestore } from '../backupSet/verifySet';
import { silentLogger, type Logger } from '../logging/Logger';
import { restorePostgres, type PostgresRestoreOptions, type PostgresRestoreResult } from '../postgres/postgresRestore';
import { restoredKinds } from '../backupSet/manifest';
import { restoreRedis, type RedisRestoreOptions, type RedisRestoreResult } from '../redis/redisRestore';
import { restoreFiles, type FilesRestoreResult } from '../volume/filesRestore';
import { restoreVolume, type RestoreTarget, type VolumeRestoreResult } from '../volume/volumeRestore';
import type { DockerConnection } from '../docker/dockerConnection';
import { aboutFields } from '../options/optionFields';
import { StackBackupError } from '../errors/StackBackupError';
import { type Location } from '../storage/openPlace';

export interface RestoreSetOptions {
	/** A run or set folder: a path, or a place opened with openPlace (a bucket). */
	setPath: Location;
	postgres?: Omit<PostgresRestoreOptions, 'setPath' | 'verified' | 'log'>;
	redis?: Omit<RedisRestoreOptions, 'setPath' | 'verified' | 'log'>;
	volume?: { target: RestoreTarget; overwrite?: boolean; docker?: DockerConnection };
	files?: { dir: string; overwrite?: boolean };
	/** Opens the set's encrypted artifacts; checked for every artifact before anything is restored. */
	keys?: DecryptionKeys;
	/** Whose signed sets to accept (public keys), or to accept unsigned ones where that is risky. */
	trust?: TrustOptions;
	log?: Logger;
}

export interface RestoreSetResult {
	set: string;
	postgres?: PostgresRestoreResult;
	redis?: RedisRestoreResult;
	volume?: VolumeRestoreResult;
	files?: FilesRestoreResult;
	/** Differences from the manifest found after restoring, per kind. */
	differences: string[];
}

const TARGET_WORDS: Record<string, string> = {
	postgres: 'a database',
	redis: 'the Redis container',
	volume: 'a volume or folder',
	files: 'a folder for the files',
};

/**
 * Restores every artifact of a set into the targets given, each sha256
 * checked in the pass that restores it (config files: all before the
 * first). A set holding something with no target is refused before anything
 * is touched: a partial restore is never silent.
 */
export async function restoreSet(options: RestoreSetOptions): Promise<RestoreSetResult> {
	const log = options.log ?? silentLogger;
	const set = await checkSetForRestore(options.setPath, log, options.keys, options.trust);
	// The workflows export beside a dump is a copy of what the dump holds: the dump's restore brings it back.
	const kinds = restoredKinds(set.manifest);
	const missing = kinds.filter((k) => !options[k as keyof RestoreSetOptions]);
	if (missing.length) {
		throw new StackBackupError('INVALID_INPUT', `${set.dir} holds ${kinds.join(', ')}; no target was given for ${missing.join(', ')}`, {
			hint: `Give ${missing.map((k) => TARGET_WORDS[k] ?? k).join('; and ')}.`,
			details: { ...aboutFields('restoreTargets'), missing },
		});
	}
	const result: RestoreSetResult = { set: set.dir, differences: [] };
	const common = { setPath: set.dir, verified: set, log };
	if (kinds.includes('postgres') && options.postgres) {
		result.postgres = await restorePostgres({ ...options.postgres, ...common });
		result.differences.push(...result.postgres.comparison.differences.map((d) => `postgres: ${d}`));
	}
	if (kinds.includes('redis') && options.redis) {
		result.redis = await restoreRedis({ ...options.redis, ...common });
		result.differences.push(...result.redis.differences.map((d) => `redis: ${d}`));
	}
	if (kinds.includes('volume') && options.volume) {
		result.volume = await restoreVolume({ ...options.volume, ...common });
		result.differences.push(...result.volume.differences.map((d) => `volume: ${d}`));
	}
	// Config files are many small artifacts written one by one: all are proven before the first.
	if (kinds.includes('files') && options.files)
		result.files = await restoreFiles({ ...options.files, setPath: set.place, keys: options.keys, trust: options.trust, log });
	return result;
}
