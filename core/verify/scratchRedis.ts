import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { singleFileTar } from '../archive/singleFileTar';
import { createDockerClient, type DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { StackBackupError } from '../errors/StackBackupError';
import { containerRedisCommands } from '../redis/containerRedisCommands';
import { openIoredisCommands } from '../redis/ioredisCommands';
import { waitForLoadedRedis } from '../redis/redisReadiness';
import { helperLabels, removeOrphanedHelpers } from '../docker/helperContainer';
import { freeLoopbackPort } from './freeLoopbackPort';
import { loadRdbIntoEmptyRedis } from './replicaLoad';
import type { RedisConnection } from '../redis/RedisConnection';
import { aboutFields } from '../options/optionFields';

export type ScratchRedis =
	/** A throwaway container from the live Redis container's image, without network. */
	| { type: 'container'; docker: DockerConnection; likeContainer: string }
	/** A throwaway redis-server on a free loopback port (redis-server on PATH, or this path). */
	| { type: 'local'; redisServerPath?: string }
	/** An empty Redis on this machine, loaded through replication and emptied again. */
	| { type: 'url'; connection: RedisConnection };

const SCRATCH_ARGS = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--protected-mode', 'yes'];

/** Loads an RDB into a throwaway Redis, returns its key counts, and always removes it. */
export async function loadRdbInScratchRedis(
	target: ScratchRedis,
	rdb: Readable,
	size: number,
	timeoutMs = 120_000,
): Promise<Record<string, number>> {
	if (target.type === 'url') return loadRdbIntoEmptyRedis(target.connection, rdb, size, timeoutMs);
	return target.type === 'container' ? inContainer(target, rdb, size, timeoutMs) : locally(target, rdb, timeoutMs);
}

async function inContainer(
	target: Extract<ScratchRedis, { type: 'container' }>,
	rdb: Readable,
	size: number,
	timeoutMs: number,
): Promise<Record<string, number>> {
	const docker = createDockerClient(target.docker);
	const live = await docker
		.getContainer(target.likeContainer)
		.inspect()
		.catch((error: unknown) => {
			throw mapDockerError(error, target.docker, target.likeContainer);
		});
	// Read-only mounts (configuration, or binaries) come along; data volumes never do.
	const readOnlyBinds = (live.HostConfig.Binds ?? []).filter((b) => b.split(':').slice(2).join(':').split(',').includes('ro'));
	await removeOrphanedHelpers(docker);
	let scratch: Docker.Container;
	try {
		scratch = await docker.createContainer({
			name: `n8n-stack-drill-redis-${randomBytes(4).toString('hex')}`,
			Image: live.Image,
			Entrypoint: ['redis-server'],
			Cmd: ['--dir', '/tmp', '--dbfilename', 'drill.rdb', '--port', '6379', ...SCRATCH_ARGS],
			Labels: helperLabels('drill'),
			NetworkDisabled: true,
			HostConfig: { NetworkMode: 'none', Binds: readOnlyBinds },
		});
	} catch (error) {
		throw mapDockerError(error, target.docker);
	}
	try {
		await scratch.putArchive(singleFileTar('drill.rdb', size, rdb, { mode: 0o644 }), { path: '/tmp' });
		await scratch.start();
		return await waitForLoadedRedis(containerRedisCommands(scratch, target.docker, 'scratch Redis', { port: 6379 }), timeoutMs);
	} catch (error) {
		throw error instanceof StackBackupError ? error : mapDockerError(error, target.docker);
	} finally {
		await scratch.remove({ force: true, v: true }).catch(() => undefined);
	}
}

async function locally(
	target: Extract<ScratchRedis, { type: 'local' }>,
	rdb: Readable,
	timeoutMs: number,
): Promise<Record<string, number>> {
	const dir = await fs.mkdtemp(join(tmpdir(), 'n8n-stack-drill-redis-'));
	try {
		await pipeline(rdb, createWriteStream(join(dir, 'drill.rdb'), { mode: 0o600 }));
		const port = await freeLoopbackPort();
		const server = spawn(
			target.redisServerPath ?? 'redis-server',
			['--port', String(port), '--dir', dir, '--dbfilename', 'drill.rdb', ...SCRATCH_ARGS],
			{ stdio: 'ignore' },
		);
		const failed = new Promise<never>((_, reject) =>
			server.once('error', (error: NodeJS.ErrnoException) =>
				reject(
					new StackBackupError('REDIS_FAILED', `Could not start a scratch redis-server (${error.code ?? error.message})`, {
						hint: 'Install redis-server on this machine (Debian: apt-get install redis-server), or drill in a scratch container made from the Redis container.',
						details: aboutFields('scratchRedis'),
					}),
				),
			),
		);
		try {
			const commands = await Promise.race([connectWhenListening(port, timeoutMs), failed]);
			try {
				return await Promise.race([waitForLoadedRedis(commands, timeoutMs), failed]);
			} finally {
				await commands.close();
			}
		} finally {
			server.kill('SIGKILL');
		}
	} finally {
		await fs.rm(dir, { recursive: true, force: true });
	}
}

async function connectWhenListening(port: number, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await openIoredisCommands({ host: '127.0.0.1', port });
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
}
