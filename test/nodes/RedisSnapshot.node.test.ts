import { NodeOperationError } from 'n8n-workflow';
import { RedisSnapshot } from '../../nodes/RedisSnapshot/RedisSnapshot.node';
import { runNode } from '../support/n8nNodeHarness';
import { seedRedis } from '../support/redisFixtures';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';

const env = testEnv();

describe("Redis Snapshot node in n8n-core's execute context", () => {
	const tmp = useTempDir();
	const node = new RedisSnapshot();
	const parameters = (extra: Record<string, unknown> = {}) => ({
		method: 'sync',
		backupRoot: tmp.path(),
		setName: 'n8n-redis',
		compression: 'zstd',
		options: { bgsaveTimeoutSeconds: 60 },
		...extra,
	});

	it('network method: one item per input item, paired, with the RDB facts', async () => {
		await seedRedis(env.hostRedis.port);
		const [out] = await runNode(node, {
			parameters: parameters(),
			credentials: { stackBackupRedisApi: { host: '127.0.0.1', port: env.hostRedis.port, database: 0 } },
			items: [{ json: {} }, { json: {} }],
		});
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toMatchObject({
			set: 'n8n-redis',
			artifacts: [{ file: 'redis.rdb.zst', format: 'rdb', compression: 'zstd' }],
			inventory: { keys: { db0: 150, db2: 7 }, totalKeys: 157, checksumVerified: true },
		});
	});

	it('Docker container method', async () => {
		await seedRedis(env.containerRedis.port);
		const [out] = await runNode(node, {
			parameters: parameters({ method: 'docker', containerName: 'redis' }),
			credentials: {
				stackBackupRedisApi: { host: 'redis', port: env.containerRedis.port, database: 0 },
				stackBackupDockerApi: { connection: 'socket', socketPath: env.dockerSocket },
			},
		});
		expect(out[0].json).toMatchObject({ inventory: { totalKeys: 157 } });
	});

	it('continueOnFail turns an unreachable Redis into an error item; without it the node throws with the hint', async () => {
		const credentials = { stackBackupRedisApi: { host: '127.0.0.1', port: 1, database: 0 } };
		const [out] = await runNode(node, { parameters: parameters(), credentials, continueOnFail: true });
		expect(out).toEqual([
			{
				json: {
					error: expect.stringMatching(/Nothing answers at 127\.0\.0\.1:1/),
					code: 'REDIS_UNREACHABLE',
					hint: expect.stringMatching(/Field: the Stack Backup Redis API credential\.$/),
					field: 'redisCredential',
				},
				pairedItem: { item: 0 },
			},
		]);
		const error = await runNode(node, { parameters: parameters(), credentials }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.description).toMatch(/service name/);
	});
});
