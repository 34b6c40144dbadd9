import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { ArtifactRecord } from '../../core';
import { freeLoopbackPort } from '../../core/verify/freeLoopbackPort';
import { decompressWithCli } from './restoreForTest';

export async function withRedis<T>(
	port: number,
	body: (r: Redis) => Promise<T>,
	options: { username?: string; password?: string; db?: number } = {},
): Promise<T> {
	// No reconnects: a refused connect (server still starting) must not leave a retry timer behind.
	const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, ...options });
	await client.connect();
	try {
		return await body(client);
	} finally {
		client.disconnect();
	}
}

/** Known data: 150 keys in db0 (strings, a hash, a list), 7 in db2. */
export async function seedRedis(port: number): Promise<{ db0: number; db2: number }> {
	await withRedis(port, async (r) => {
		await r.flushall();
		const pipe = r.pipeline();
		for (let i = 0; i < 147; i++) pipe.set(`key:${i}`, `value ${i} ${'x'.repeat(i)}`);
		pipe.hset('n8n:hash', { a: '1', b: '2' });
		pipe.rpush('n8n:list', 'one', 'two', 'three');
		pipe.set('binary', Buffer.from([0, 1, 2, 255, 254]));
		await pipe.exec();
		await r.select(2);
		for (let i = 0; i < 7; i++) await r.set(`other:${i}`, String(i));
	});
	return { db0: 150, db2: 7 };
}

export interface LoadedRdb {
	checkRdbOk: boolean;
	checkRdbOutput: string;
	keys: Record<string, number>;
}

/**
 * Proves an RDB artifact with Redis's own tools: redis-check-rdb, then a
 * throwaway redis-server started on it, whose key counts are read back.
 */
export async function loadRdbArtifact(setDir: string, artifact: ArtifactRecord): Promise<LoadedRdb> {
	const dir = mkdtempSync(join(tmpdir(), 'rdb-load-'));
	try {
		const raw = await decompressWithCli(join(setDir, artifact.file), artifact, dir);
		const check = spawnSync('redis-check-rdb', [raw], { encoding: 'utf8' });
		const port = await freeLoopbackPort();
		const server = spawn(
			'redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				join(raw, '..'),
				'--dbfilename',
				raw.split('/').pop()!,
				'--save',
				'',
				'--appendonly',
				'no',
			],
			{ stdio: 'ignore' },
		);
		try {
			let keys: Record<string, number> = {};
			for (let i = 0; i < 100; i++) {
				try {
					keys = await withRedis(port, async (r) => {
						const out: Record<string, number> = {};
						for (const line of (await r.info('keyspace')).split('\n')) {
							const m = /^(db\d+):keys=(\d+)/.exec(line.trim());
							if (m) out[m[1]] = Number(m[2]);
						}
						return out;
					});
					break;
				} catch {
					await new Promise((r) => setTimeout(r, 50));
				}
			}
			return { checkRdbOk: check.status === 0, checkRdbOutput: check.stdout + check.stderr, keys };
		} finally {
			server.kill('SIGKILL');
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** A redis-server of its own on a free loopback port for `body`, killed afterwards. */
export async function withThrowawayRedis<T>(body: (port: number) => Promise<T>): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), 'throwaway-redis-'));
	const port = await freeLoopbackPort();
	const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
		stdio: 'ignore',
	});
	try {
		for (let i = 0; i < 100; i++) {
			if (await withRedis(port, (r) => r.ping()).catch(() => undefined)) break;
			await new Promise((r) => setTimeout(r, 50));
		}
		return await body(port);
	} finally {
		server.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	}
}
