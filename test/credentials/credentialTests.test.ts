import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { RedisSnapshot } from '../../nodes/RedisSnapshot/RedisSnapshot.node';
import { testCredential } from '../support/n8nNodeHarness';
import { testEnv } from '../support/testEnv';

const env = testEnv();
const node = new PostgresDump();
const pg = (extra: Record<string, unknown> = {}) => ({
	host: '127.0.0.1',
	port: env.hostPostgres.port,
	database: 'postgres',
	user: env.hostPostgres.user,
	password: env.hostPostgres.password,
	ssl: 'disable',
	...extra,
});

describe('credential tests (what "Test" in the credential dialog runs)', () => {
	it('Postgres: a working connection reports the server version', async () => {
		await expect(testCredential(node, 'stackBackupPostgresConnectionTest', 'stackBackupPostgresApi', pg())).resolves.toEqual({
			status: 'OK',
			message: expect.stringMatching(/^Connected to PostgreSQL 1\d\./),
		});
	});

	it('Postgres: a wrong password fails with the cause and a hint, without the password', async () => {
		const result = await testCredential(
			node,
			'stackBackupPostgresConnectionTest',
			'stackBackupPostgresApi',
			pg({ password: 'wrong-pw-123' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/password authentication failed.*Check the user "postgres" and the password/);
		expect(result.message).not.toContain('wrong-pw-123');
	});

	it('Postgres: an unreachable host fails with a hint about the host name', async () => {
		const result = await testCredential(node, 'stackBackupPostgresConnectionTest', 'stackBackupPostgresApi', pg({ port: 1 }));
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/Nothing answers at 127\.0\.0\.1:1/) });
	});

	it('Docker: a reachable Engine reports its version', async () => {
		await expect(
			testCredential(node, 'stackBackupDockerConnectionTest', 'stackBackupDockerApi', {
				connection: 'socket',
				socketPath: env.dockerSocket,
			}),
		).resolves.toEqual({ status: 'OK', message: expect.stringMatching(/^Connected to Docker Engine \d+\.\d+/) });
	});

	it('Docker: a missing socket fails with the mount hint', async () => {
		const result = await testCredential(node, 'stackBackupDockerConnectionTest', 'stackBackupDockerApi', {
			connection: 'socket',
			socketPath: '/nonexistent/docker.sock',
		});
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/does not exist.*\/var\/run\/docker\.sock:\/var\/run\/docker\.sock/),
		});
	});

	it('Docker: nothing listening on tcp fails as unreachable', async () => {
		const result = await testCredential(node, 'stackBackupDockerConnectionTest', 'stackBackupDockerApi', {
			connection: 'tcp',
			host: '127.0.0.1',
			port: 1,
		});
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/does not answer \(ECONNREFUSED\)/) });
	});

	it('Redis: a working connection reports the server version', async () => {
		await expect(
			testCredential(new RedisSnapshot(), 'stackBackupRedisConnectionTest', 'stackBackupRedisApi', {
				host: '127.0.0.1',
				port: env.hostRedis.port,
			}),
		).resolves.toEqual({ status: 'OK', message: expect.stringMatching(/^Connected to Redis \d+\./) });
	});

	it('Redis: nothing listening fails with a hint about the host', async () => {
		const result = await testCredential(new RedisSnapshot(), 'stackBackupRedisConnectionTest', 'stackBackupRedisApi', {
			host: '127.0.0.1',
			port: 1,
		});
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/Nothing answers at 127\.0\.0\.1:1.*service name/) });
	});
});
