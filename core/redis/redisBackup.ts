import { createReadStream, promises as fs } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import type { Compression } from '../archive/compression';
import type { BackupResult } from '../backupSet/backupResult';
import { stallTimeoutMs, withBackupRun, type BackupRunOptions } from '../backupSet/backupRun';
import { createDockerClient, withDockerLimit, type DockerConnection } from '../docker/dockerConnection';
import { getRunningContainer } from '../docker/runningContainer';
import { StackBackupError, invalidInput } from '../errors/StackBackupError';
import { bgsaveAndWait } from './bgsave';
import { containerRedisCommands } from './containerRedisCommands';
import { readFileFromContainer } from './containerFile';
import { dumpPath } from './dumpPath';
import { openIoredisCommands } from './ioredisCommands';
import { RdbValidator } from './RdbValidator';
import type { RedisCommands } from './RedisCommands';
import type { RedisConnection } from './RedisConnection';
import { keyCounts, parseInfo } from './redisInfo';
import { openReplicationSnapshot } from './replicationSnapshot';
import { aboutFields } from '../options/optionFields';
import { invalidOption } from '../options/invalidOption';
import { optionNumberOr, type NumberRule } from '../options/optionNumber';

export const REDIS_ARTIFACT_KIND = 'redis';

export type RedisMethod = 'sync' | 'docker' | 'file';

export interface RedisBackupOptions extends BackupRunOptions {
	/**
	 * sync: the replication protocol over the network (like redis-cli --rdb);
	 * docker: BGSAVE in the container, then copy dump.rdb out through the Docker API;
	 * file: BGSAVE over the network, then read the dump file from this machine's disk.
	 */
	method: RedisMethod;
	/** Network methods: where Redis listens. Docker method: port, user and password used inside the container. */
	connection: RedisConnection;
	docker?: { connection: DockerConnection; container: string };
	/** File method: the dump file (default: Redis's CONFIG GET dir + dbfilename). */
	filePath?: string;
	compression: Compression;
	/** How long Redis may take to write its snapshot, in seconds as typed (default 300, at least 1). */
	bgsaveTimeoutSeconds?: number | string;
}

export const DEFAULT_BGSAVE_TIMEOUT_SECONDS = 300;
const BGSAVE_TIMEOUT: NumberRule = { field: 'bgsaveTimeoutSeconds', what: 'The snapshot timeout in seconds', min: 1 };

export interface RedisInventory {
	redisVersion: string | null;
	keys: Record<string, number>;
	totalKeys: number;
}

export type RedisBackupResult = BackupResult<RedisInventory & { rdbVersion: number; checksumVerified: boolean }>;

interface Source {
	commands: RedisCommands;
	open(): Promise<Readable>;
	describe: Record<string, unknown>;
}

async function openSource(options: RedisBackupOptions, timeoutMs: number): Promise<Source> {
	const log = options.log ?? { info: () => undefined, warn: () => undefined };
	if (options.method === 'docker') {
		if (!options.docker?.container)
			throw invalidOption(
				'redisContainer',
				'The Docker method needs a container name',
				'Name the Redis container, as `docker ps` shows it.',
			);
		const { container: name } = options.docker;
		const docker = withDockerLimit(options.docker.connection, stallTimeoutMs(options));
		const container = await getRunningContainer(createDockerClient(docker), docker, name);
		const commands = containerRedisCommands(container, docker, name, {
			port: options.connection.port,
			user: options.connection.user,
			password: options.connection.password,
		});
		return {
			commands,
			// Where redis-cli reached the server inside the container: a restore (and a recovery plan) reaches it the same way.
			describe: {
				method: 'docker',
				container: name,
				...(options.connection.port ? { port: options.connection.port } : {}),
				...(options.connection.user ? { user: options.connection.user } : {}),
			},
			open: async () => {
				await bgsaveAndWait(commands, log, timeoutMs);
				return readFileFromContainer(container, docker, await dumpPath(commands));
			},
		};
	}
	const commands = await openIoredisCommands(options.connection, stallTimeoutMs(options));
	const describe = { method: options.method, host: options.connection.host, port: options.connection.port };
	if (options.method === 'sync') {
		return { commands, describe, open: () => openReplicationSnapshot(options.connection, timeoutMs) };
	}
	return {
		commands,
		describe,
		open: async () => {
			await bgsaveAndWait(commands, log, timeoutMs);
			const path = options.filePath || (await dumpPath(commands));
			if (!isAbsolute(path))
				throw invalidInput(`The dump file path "${path}" is not absolute`, 'Give the full path of dump.rdb on this machine.');
			try {
				await fs.access(path, fs.constants.R_OK);
			} catch (error) {
				throw new StackBackupError('REDIS_FAILED', `Cannot read the Redis dump file ${path} (${(error as NodeJS.ErrnoException).code})`, {
					hint: 'Reading the dump file needs Redis on this machine and read access to its data folder; otherwise take the snapshot over the network or in the Redis container.',
					details: aboutFields('redisMethod'),
				});
			}
			return createReadStream(path, { highWaterMark: 1024 * 1024 });
		},
	};
}

/** A consistent RDB snapshot of Redis in a new backup set, checked (magic, version, CRC-64) before the set is sealed. */
export async function backupRedis(options: RedisBackupOptions): Promise<RedisBackupResult> {
	const began = Date.now();
	const timeoutMs = optionNumberOr(options.bgsaveTimeoutSeconds, BGSAVE_TIMEOUT, DEFAULT_BGSAVE_TIMEOUT_SECONDS) * 1000;
	const source = await openSource(options, timeoutMs);
	try {
		const info = parseInfo(await source.commands.call('INFO'));
		const keys = keyCounts(info);
		const inventory: RedisInventory = {
			redisVersion: info.redis_version ?? null,
			keys,
			totalKeys: Object.values(keys).reduce((a, b) => a + b, 0),
		};
		return await withBackupRun(options, async (run) => {
			const validator = new RdbValidator();
			const stream = await source.open();
			await run.writeArtifact({
				baseName: 'redis.rdb',
				kind: REDIS_ARTIFACT_KIND,
				format: 'rdb',
				compression: options.compression,
				source: stream,
				transforms: [validator],
				stalled: (seconds) =>
					new StackBackupError('REDIS_TIMEOUT', `Redis at ${source.commands.where} sent nothing of its snapshot for ${seconds} s`, {
						hint: 'Redis (or the Docker Engine in between) stopped sending mid-snapshot: it is frozen or overloaded. Nothing of this run was kept; check it, then run again.',
						details: { step: 'snapshot', ...aboutFields('stallTimeoutSeconds') },
					}),
			});
			const check = validator.result();
			run.log.info(
				`RDB version ${check.rdbVersion}, checksum ${check.checksumVerified ? 'verified' : 'not written by the server (rdbchecksum no)'}`,
			);
			const manifest = await run.seal({
				sources: {
					[REDIS_ARTIFACT_KIND]: {
						...source.describe,
						redisVersion: inventory.redisVersion,
						rdbVersion: check.rdbVersion,
						checksumVerified: check.checksumVerified,
					},
				},
				inventory: { [REDIS_ARTIFACT_KIND]: inventory },
				warnings: [],
			});
			return {
				set: run.setName,
				path: run.dir,
				artifacts: run.artifacts,
				inventory: { ...inventory, rdbVersion: check.rdbVersion, checksumVerified: check.checksumVerified },
				warnings: [],
				durationMs: Date.now() - began,
				manifest,
			};
		});
	} finally {
		await source.commands.close();
	}
}
