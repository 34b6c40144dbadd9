import { runCli } from '../support/runCli';
import { seedRedis, withRedis } from '../support/redisFixtures';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';

const env = testEnv();
const SECRET = 'Cli-Redis-Secret-9';

describe('n8n-stack-backup backup redis', () => {
	const tmp = useTempDir();

	beforeAll(async () => {
		await withRedis(env.hostRedis.port, (r) => r.call('ACL', 'SETUSER', 'clibackup', 'on', 'resetpass', `>${SECRET}`, '~*', '&*', '+@all'));
	});
	afterAll(async () => {
		await withRedis(env.hostRedis.port, (r) => r.call('ACL', 'DELUSER', 'clibackup'));
	});

	it('--url with the password from REDISCLI_AUTH: exit 0 and the documented JSON line, no password in output', async () => {
		await seedRedis(env.hostRedis.port);
		const run = await runCli(
			['backup', 'redis', '--root', tmp.path(), '--set', 'r', '--url', `redis://clibackup@127.0.0.1:${env.hostRedis.port}`],
			{
				env: { REDISCLI_AUTH: SECRET },
			},
		);
		expect(run.code).toBe(0);
		expect(run.json).toMatchObject({
			set: 'r',
			artifacts: [{ file: 'redis.rdb.zst', format: 'rdb', compression: 'zstd', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }],
			inventory: { keys: { db0: 150, db2: 7 }, totalKeys: 157 },
		});
		expect(run.stdout + run.stderr).not.toContain(SECRET);
	});

	it('--container with --port: BGSAVE in the container', async () => {
		await seedRedis(env.containerRedis.port);
		const run = await runCli([
			'backup',
			'redis',
			'--root',
			tmp.path(),
			'--set',
			'rc',
			'--container',
			'redis',
			'--port',
			String(env.containerRedis.port),
			'--docker-host',
			`unix://${env.dockerSocket}`,
		]);
		expect(run.code).toBe(0);
		expect(run.json.inventory.totalKeys).toBe(157);
		expect(run.stderr).toMatch(/BGSAVE started/);
	});

	it('usage errors exit 2; a refused login exits 1 with REDIS_AUTH_FAILED', async () => {
		expect((await runCli(['backup', 'redis', '--root', tmp.path(), '--set', 'r'])).code).toBe(2);
		expect((await runCli(['backup', 'redis', '--root', tmp.path(), '--set', 'r', '--url', 'redis://h:1', '--method', 'magic'])).code).toBe(
			2,
		);
		const run = await runCli(
			['backup', 'redis', '--root', tmp.path(), '--set', 'r', '--url', `redis://clibackup@127.0.0.1:${env.hostRedis.port}`],
			{
				env: { REDISCLI_AUTH: 'wrong-one' },
			},
		);
		expect(run.code).toBe(1);
		expect(run.json.error.code).toBe('REDIS_AUTH_FAILED');
	});
});
