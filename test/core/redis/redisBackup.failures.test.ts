import { readdirSync, readFileSync } from 'node:fs';
import { backupRedis, StackBackupError, type RedisBackupOptions } from '../../../core';
import { testDocker } from '../../support/dockerFixtures';
import { setFolderEntries } from '../../support/leftovers';
import { seedRedis, withRedis } from '../../support/redisFixtures';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const SECRET = 'Redis-Secret-Pw-42';

async function execInRedisContainer(cmd: string[]): Promise<void> {
	const exec = await testDocker().getContainer(env.containerRedis.container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
	const stream = await exec.start({});
	await new Promise((r) => stream.on('end', r).resume());
}

describe('Redis snapshot failures', () => {
	const tmp = useTempDir();
	const host = (extra: Partial<RedisBackupOptions['connection']> = {}) => ({ host: '127.0.0.1', port: env.hostRedis.port, ...extra });
	const inContainer = (extra: Partial<RedisBackupOptions> = {}): RedisBackupOptions => ({
		root: tmp.path(),
		setName: 'redis',
		compression: 'gzip',
		method: 'docker',
		connection: { host: '127.0.0.1', port: env.containerRedis.port },
		docker: { connection: { socketPath: env.dockerSocket }, container: env.containerRedis.container },
		...extra,
	});
	const fail = async (options: RedisBackupOptions, code: string) => {
		const error = await backupRedis(options).catch((e) => e);
		expect(error).toBeInstanceOf(StackBackupError);
		expect(error.code).toBe(code);
		expect(error.hint).toBeTruthy();
		expect(setFolderEntries(tmp.path(), 'redis')).toEqual([]);
		return error as StackBackupError;
	};

	beforeAll(async () => {
		for (const port of [env.hostRedis.port, env.containerRedis.port]) {
			await withRedis(port, async (r) => {
				await r.call('ACL', 'SETUSER', 'backup', 'on', 'resetpass', `>${SECRET}`, '~*', '&*', '+@all');
				await r.call('ACL', 'SETUSER', 'nosync', 'on', 'resetpass', `>${SECRET}`, '~*', '&*', '+@all', '-sync', '-psync');
			});
		}
	});
	afterAll(async () => {
		for (const port of [env.hostRedis.port, env.containerRedis.port]) {
			await withRedis(port, async (r) => {
				await r.call('ACL', 'DELUSER', 'backup', 'nosync');
				await r.config('SET', 'rdb-key-save-delay', '0');
			});
		}
	});

	it('Redis unreachable: REDIS_UNREACHABLE', async () => {
		await fail(
			{ root: tmp.path(), setName: 'redis', compression: 'gzip', method: 'sync', connection: host({ port: 1 }) },
			'REDIS_UNREACHABLE',
		);
	});

	it('wrong password: REDIS_AUTH_FAILED, without the password in the error', async () => {
		const error = await fail(
			{
				root: tmp.path(),
				setName: 'redis',
				compression: 'gzip',
				method: 'sync',
				connection: host({ user: 'backup', password: 'not-it-123' }),
			},
			'REDIS_AUTH_FAILED',
		);
		expect(JSON.stringify(error.toJSON())).not.toContain('not-it-123');
	});

	it('a user with a password works over SYNC', async () => {
		await seedRedis(env.hostRedis.port);
		const result = await backupRedis({
			root: tmp.path(),
			setName: 'redis',
			compression: 'gzip',
			method: 'sync',
			connection: host({ user: 'backup', password: SECRET }),
		});
		expect(result.inventory.totalKeys).toBe(157);
	});

	it('SYNC refused (as managed Redis does): REDIS_SYNC_REFUSED, suggesting the other methods', async () => {
		const error = await fail(
			{ root: tmp.path(), setName: 'redis', compression: 'gzip', method: 'sync', connection: host({ user: 'nosync', password: SECRET }) },
			'REDIS_SYNC_REFUSED',
		);
		expect(error.hint).toMatch(/BGSAVE instead: in the Redis container .*or from the dump file/);
		expect(error.details).toMatchObject({ field: 'redisMethod' });
	});

	it('a BGSAVE already in progress is waited for, not failed', async () => {
		await seedRedis(env.containerRedis.port);
		await withRedis(env.containerRedis.port, async (r) => {
			await r.config('SET', 'rdb-key-save-delay', '5000'); // 5 ms per key: ~0.8 s for 157 keys
			await r.bgsave();
		});
		const result = await backupRedis(inContainer());
		expect(result.inventory.totalKeys).toBe(157);
		await withRedis(env.containerRedis.port, (r) => r.config('SET', 'rdb-key-save-delay', '0'));
	});

	it('BGSAVE failing (data folder not writable): REDIS_BGSAVE_FAILED, nothing kept', async () => {
		await execInRedisContainer(['chmod', '555', '/data']);
		try {
			const error = await fail(inContainer(), 'REDIS_BGSAVE_FAILED');
			expect(error.hint).toMatch(/stop-writes-on-bgsave-error/);
		} finally {
			await execInRedisContainer(['chmod', '755', '/data']);
			// After a failed save Redis refuses writes (MISCONF) until one succeeds.
			await withRedis(env.containerRedis.port, (r) => r.save());
		}
	});

	it('security: the Redis password is not in the argv of redis-cli run inside the container', async () => {
		await seedRedis(env.containerRedis.port);
		await withRedis(env.containerRedis.port, (r) => r.config('SET', 'rdb-key-save-delay', '5000'));
		const seen: string[] = [];
		const backup = backupRedis(
			inContainer({ connection: { host: '127.0.0.1', port: env.containerRedis.port, user: 'backup', password: SECRET } }),
		);
		let done = false;
		backup.finally(() => (done = true)).catch(() => undefined);
		while (!done) {
			for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
				try {
					const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
					if (cmdline.startsWith('redis-cli')) seen.push(cmdline);
				} catch {
					// gone
				}
			}
			await new Promise((r) => setTimeout(r, 20));
		}
		const result = await backup;
		await withRedis(env.containerRedis.port, (r) => r.config('SET', 'rdb-key-save-delay', '0'));
		expect(result.inventory.totalKeys).toBe(157);
		expect(seen.length).toBeGreaterThan(0);
		for (const cmdline of seen) expect(cmdline).not.toContain(SECRET);
		expect(JSON.stringify(result.manifest)).not.toContain(SECRET);
	});
});
