import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupRedis, restoreRedis, type RedisBackupOptions } from '../../../core';
import { testDocker } from '../../support/dockerFixtures';
import { seedRedis, withRedis } from '../../support/redisFixtures';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const docker = { connection: { socketPath: env.dockerSocket }, container: env.containerRedis.container };
const port = env.containerRedis.port;

async function snapshot(root: string) {
	await seedRedis(port);
	return backupRedis({
		root,
		setName: 'redis',
		compression: 'zstd',
		method: 'docker',
		connection: { host: '127.0.0.1', port },
		docker,
	} as RedisBackupOptions);
}

const running = async () => (await testDocker().getContainer(env.containerRedis.container).inspect()).State.Running;

describe('Redis restore into the container (stop, put through the archive API, start, count)', () => {
	const tmp = useTempDir();

	it("brings back the snapshot's keys and checks them against the manifest", async () => {
		const set = await snapshot(tmp.path());
		await withRedis(port, async (r) => {
			await r.flushall();
			await r.set('written-after-the-backup', '1');
		});
		const result = await restoreRedis({ setPath: set.path, docker, connection: { port } });
		expect(result).toMatchObject({ keys: { db0: 150, db2: 7 }, differences: [], path: '/data/dump.rdb' });
		expect(await running()).toBe(true);
		await withRedis(port, async (r) => {
			expect(await r.exists('written-after-the-backup')).toBe(0);
			expect(await r.hgetall('n8n:hash')).toEqual({ a: '1', b: '2' });
			expect(await r.getBuffer('binary')).toEqual(Buffer.from([0, 1, 2, 255, 254]));
		});
	});

	it('refuses a Redis that persists with AOF before stopping it, and leaves no staged RDB behind (the RDB is staged while Redis is asked)', async () => {
		const set = await snapshot(tmp.path());
		const staging = tmp.path();
		const tmpdir = process.env.TMPDIR;
		process.env.TMPDIR = staging;
		await withRedis(port, (r) => r.config('SET', 'appendonly', 'yes'));
		try {
			await expect(restoreRedis({ setPath: set.path, docker, connection: { port } })).rejects.toMatchObject({
				code: 'REDIS_RESTORE_FAILED',
				message: expect.stringMatching(/appendonly yes/),
			});
			expect(await running()).toBe(true);
			expect(readdirSync(staging).filter((name) => name.startsWith('n8n-stack-restore-'))).toEqual([]);
		} finally {
			if (tmpdir === undefined) delete process.env.TMPDIR;
			else process.env.TMPDIR = tmpdir;
			await withRedis(port, (r) => r.config('SET', 'appendonly', 'no'));
		}
	});

	it('refuses a damaged set before stopping anything (CHECKSUM_MISMATCH)', async () => {
		const set = await snapshot(tmp.path());
		const file = join(set.path, set.artifacts[0].file);
		const bytes = readFileSync(file);
		bytes[bytes.length - 5] ^= 0xff;
		writeFileSync(file, bytes);
		const startedAt = (await testDocker().getContainer(env.containerRedis.container).inspect()).State.StartedAt;
		await expect(restoreRedis({ setPath: set.path, docker, connection: { port } })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
		expect((await testDocker().getContainer(env.containerRedis.container).inspect()).State.StartedAt).toBe(startedAt);
	});

	it('a set that does not read back whole is refused before Redis is stopped, so its live dump.rdb is never overwritten with a part', async () => {
		const set = await snapshot(tmp.path());
		const manifestPath = join(set.path, 'manifest.json');
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
		manifest.artifacts[0].rawSize += 4096; // the sha256 still matches; the decompressed length does not
		writeFileSync(manifestPath, JSON.stringify(manifest));
		const startedAt = (await testDocker().getContainer(env.containerRedis.container).inspect()).State.StartedAt;
		await expect(restoreRedis({ setPath: set.path, docker, connection: { port } })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
		expect((await testDocker().getContainer(env.containerRedis.container).inspect()).State.StartedAt).toBe(startedAt);
		expect(await running()).toBe(true);
		let size: number | undefined;
		for (let i = 0; i < 100 && size === undefined; i++) {
			size = await withRedis(port, (r) => r.dbsize()).catch(async () => {
				await new Promise((r) => setTimeout(r, 100));
				return undefined;
			});
		}
		expect(size).toBe(150);
	});
});
