import { backupRedis, readManifest, type RedisBackupOptions } from '../../../core';
import { loadRdbArtifact, seedRedis } from '../../support/redisFixtures';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

describe('Redis snapshot (real Redis, proven with redis-check-rdb and a fresh redis-server)', () => {
	const tmp = useTempDir();

	const cases: Array<[string, () => Partial<RedisBackupOptions>, number]> = [
		[
			'replication (SYNC) over the network',
			() => ({ method: 'sync', connection: { host: '127.0.0.1', port: env.hostRedis.port } }),
			env.hostRedis.port,
		],
		[
			'BGSAVE in the container, copied out through the Docker API',
			() => ({
				method: 'docker',
				connection: { host: '127.0.0.1', port: env.containerRedis.port },
				docker: { connection: { socketPath: env.dockerSocket }, container: env.containerRedis.container },
			}),
			env.containerRedis.port,
		],
		[
			'BGSAVE, then the local dump file',
			() => ({ method: 'file', connection: { host: '127.0.0.1', port: env.hostRedis.port } }),
			env.hostRedis.port,
		],
		[
			"replication from the container's Redis",
			() => ({ method: 'sync', connection: { host: '127.0.0.1', port: env.containerRedis.port } }),
			env.containerRedis.port,
		],
	];

	it.each(cases)('%s', async (_name, methodOptions, port) => {
		const expected = await seedRedis(port);
		const result = await backupRedis({ root: tmp.path(), setName: 'redis', compression: 'zstd', ...methodOptions() } as RedisBackupOptions);
		expect(result.inventory).toMatchObject({ keys: { db0: expected.db0, db2: expected.db2 }, totalKeys: 157, checksumVerified: true });
		expect(result.inventory.rdbVersion).toBeGreaterThanOrEqual(9);

		const loaded = await loadRdbArtifact(result.path, result.artifacts[0]);
		expect({ ok: loaded.checkRdbOk, output: loaded.checkRdbOutput }).toMatchObject({
			ok: true,
			output: expect.stringContaining('RDB looks OK'),
		});
		expect(loaded.keys).toEqual({ db0: 150, db2: 7 });

		const manifest = await readManifest(result.path);
		expect(manifest.inventory.redis).toMatchObject({ keys: loaded.keys, redisVersion: expect.stringMatching(/^\d+\./) });
		expect(manifest.artifacts[0]).toMatchObject({ kind: 'redis', format: 'rdb', compression: 'zstd' });
	});
});
