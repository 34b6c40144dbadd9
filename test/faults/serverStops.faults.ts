import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { testDocker } from '../support/dockerFixtures';
import { runNode } from '../support/n8nNodeHarness';
import { withRedis } from '../support/redisFixtures';
import { runCli, spawnCli } from '../support/runCli';
import { withClient, type ScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';
import { seedVolume } from '../support/volumeFixtures';
import { bulkyDatabase, bulkyRedis, bulkyTree } from './support/faultData';
import { volumeBackupArgs } from './support/volumeArgs';
import { injectFault } from './support/ledger';
import { until } from '../support/until';
import { expectEverySetVerifies, expectNothingLeftBehind, runFolders, waitForBytesWritten } from './support/setInvariants';

const env = testEnv();
const docker = `unix://${env.dockerSocket}`;
const MIB = 1024 * 1024;

const postgresAnswers = () =>
	until('the Postgres container answering', () => withClient(env.containerPostgres, 'postgres', (c) => c.query('SELECT 1')));
const redisAnswers = () => until('the Redis container answering', () => withRedis(env.containerRedis.port, (r) => r.ping()));

describe('a server or the Docker Engine stops or dies in the middle of a backup', () => {
	const work = mkdtempSync(join(tmpdir(), 'fault-stop-'));
	const root = join(work, 'backups');
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	describe('Postgres stopped mid-dump', () => {
		let db: ScratchDatabase;
		beforeAll(async () => {
			db = await bulkyDatabase(env.containerPostgres, 120);
		});
		afterAll(async () => {
			await testDocker()
				.getContainer(env.containerPostgres.container)
				.start()
				.catch(() => undefined);
			await postgresAnswers();
			await db.drop();
		});
		const args = (set: string) => [
			'backup',
			'postgres',
			'--root',
			root,
			'--set',
			set,
			'--container',
			env.containerPostgres.container,
			'--database',
			db.name,
			'--user',
			env.containerPostgres.user,
			'--compression',
			'none',
			'--docker-host',
			docker,
		];
		const pgEnv = { PGPASSWORD: env.containerPostgres.password };

		it('the CLI fails with a clear error, leaves nothing visible, and earlier sets still verify', async () => {
			expect((await runCli(args('pg-stop'), { env: pgEnv })).code).toBe(0);
			const before = runFolders(root, 'pg-stop').complete;
			let outcome: Awaited<ReturnType<typeof spawnCli>['done']> | undefined;
			await injectFault(
				'Postgres container stopped mid-dump (CLI)',
				async () => {
					const run = spawnCli(args('pg-stop'), { env: pgEnv });
					await waitForBytesWritten(root, 'pg-stop', 8 * MIB);
					await testDocker().getContainer(env.containerPostgres.container).stop({ t: 10 });
					outcome = await run.done;
				},
				async () => {
					expect(outcome!.code).toBe(1);
					expect(outcome!.json.error).toMatchObject({
						code: expect.stringMatching(/^(PG_DUMP_FAILED|DOCKER_EXEC_FAILED|CONTAINER_NOT_RUNNING|PG_UNREACHABLE)$/),
						hint: expect.any(String),
					});
					expect(outcome!.stderr).not.toContain(env.containerPostgres.password);
					expectNothingLeftBehind(root, 'pg-stop', before);
					await testDocker().getContainer(env.containerPostgres.container).start();
					await postgresAnswers();
					await expectEverySetVerifies(root, 'pg-stop');
					expect((await runCli(args('pg-stop'), { env: pgEnv })).code).toBe(0);
				},
			);
		});

		it('the Postgres Dump node fails (so the error workflow fires), and with continueOnFail gives an error item', async () => {
			const node = new PostgresDump();
			const options = (continueOnFail: boolean) => ({
				parameters: {
					method: 'docker',
					containerName: env.containerPostgres.container,
					format: 'plain',
					compression: 'none',
					backupRoot: root,
					setName: 'pg-stop-node',
					n8nSkipExecutions: false,
					options: {},
				},
				credentials: {
					stackBackupPostgresApi: {
						host: '127.0.0.1',
						port: env.containerPostgres.port,
						database: db.name,
						user: env.containerPostgres.user,
						password: env.containerPostgres.password,
						ssl: 'disable',
					},
					stackBackupDockerApi: { connection: 'socket', socketPath: env.dockerSocket },
				},
				continueOnFail,
			});
			for (const continueOnFail of [false, true]) {
				let result: unknown;
				await injectFault(
					`Postgres container stopped mid-dump (n8n node, continueOnFail ${continueOnFail})`,
					async () => {
						const running = runNode(node, options(continueOnFail)).catch((error: unknown) => error);
						await waitForBytesWritten(root, 'pg-stop-node', 8 * MIB);
						await testDocker().getContainer(env.containerPostgres.container).stop({ t: 10 });
						result = await running;
					},
					async () => {
						if (continueOnFail) {
							const [items] = result as Array<Array<{ json: { error?: string } }>>;
							expect(items[0].json.error).toMatch(/\S/);
						} else {
							expect(result).toBeInstanceOf(NodeOperationError);
							expect((result as NodeOperationError).description).toMatch(/\S/);
						}
						expect(JSON.stringify(result)).not.toContain(env.containerPostgres.password);
						expectNothingLeftBehind(root, 'pg-stop-node', []);
						await testDocker().getContainer(env.containerPostgres.container).start();
						await postgresAnswers();
					},
				);
			}
		});
	});

	describe('Redis killed mid-SYNC', () => {
		let cleanup: () => Promise<void>;
		beforeAll(async () => {
			cleanup = await bulkyRedis(env.containerRedis.port, 40);
		});
		afterAll(async () => {
			await testDocker()
				.getContainer(env.containerRedis.container)
				.start()
				.catch(() => undefined);
			await redisAnswers();
			await cleanup();
		});

		it('the CLI fails with a clear error, leaves nothing visible, and earlier sets still verify', async () => {
			const args = ['backup', 'redis', '--root', root, '--set', 'redis-stop', '--url', `redis://127.0.0.1:${env.containerRedis.port}`];
			expect((await runCli(args)).code).toBe(0);
			const before = runFolders(root, 'redis-stop').complete;
			let outcome: Awaited<ReturnType<typeof spawnCli>['done']> | undefined;
			await injectFault(
				'Redis container killed mid-SYNC',
				async () => {
					// A per-key delay while Redis writes the RDB to the replica makes the transfer last seconds.
					await withRedis(env.containerRedis.port, (r) => r.call('CONFIG', 'SET', 'rdb-key-save-delay', '200'));
					const run = spawnCli(args);
					await waitForBytesWritten(root, 'redis-stop', 2 * MIB);
					// Killed, not stopped: Redis 7 shuts down gracefully by letting a syncing replica catch up.
					await testDocker().getContainer(env.containerRedis.container).kill();
					outcome = await run.done;
				},
				async () => {
					expect(outcome!.code).toBe(1);
					expect(outcome!.json.error).toMatchObject({
						code: 'RDB_INVALID',
						message: expect.stringMatching(/closed before the whole snapshot arrived/),
						hint: expect.any(String),
					});
					expectNothingLeftBehind(root, 'redis-stop', before);
					await testDocker().getContainer(env.containerRedis.container).start();
					await redisAnswers();
					await expectEverySetVerifies(root, 'redis-stop');
				},
			);
		});
	});

	describe('Docker Engine killed mid-archive', () => {
		let tree: string;
		beforeAll(async () => {
			tree = bulkyTree(48);
			await seedVolume('stack_fault_engine', tree);
		});
		afterAll(() => {
			execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'testenv.sh'), 'start'], { stdio: 'ignore' });
			rmSync(tree, { recursive: true, force: true });
		});

		it('the CLI fails with a clear error and leaves nothing visible; after the Engine is back, the next run succeeds and sweeps the orphaned helper', async () => {
			const args = volumeBackupArgs(root, 'engine-stop', 'stack_fault_engine');
			expect((await runCli(args)).code).toBe(0);
			const before = runFolders(root, 'engine-stop').complete;
			let outcome: Awaited<ReturnType<typeof spawnCli>['done']> | undefined;
			await injectFault(
				'Docker Engine killed mid-archive',
				async () => {
					const run = spawnCli(args);
					await waitForBytesWritten(root, 'engine-stop', 4 * MIB);
					const pid = Number(readFileSync(join(env.dockerSocket, '..', 'docker.pid'), 'utf8'));
					// Killed: a graceful stop (SIGTERM) lets the Engine finish the archive it is sending.
					process.kill(pid, 'SIGKILL');
					outcome = await run.done;
				},
				async () => {
					expect(outcome!.code).toBe(1);
					expect(outcome!.json.error).toMatchObject({
						code: expect.stringMatching(/^(DOCKER_UNREACHABLE|DOCKER_EXEC_FAILED|VOLUME_NOT_FOUND)$/),
						hint: expect.any(String),
					});
					expectNothingLeftBehind(root, 'engine-stop', before);
					execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'testenv.sh'), 'start'], { stdio: 'ignore' });
					await expectEverySetVerifies(root, 'engine-stop');
					const next = await runCli(args);
					expect(next.code).toBe(0);
					const helpers = await testDocker().listContainers({ all: true, filters: { label: ['io.n8n-stack-backup.helper'] } });
					expect(helpers).toEqual([]);
				},
			);
		});
	});
});
