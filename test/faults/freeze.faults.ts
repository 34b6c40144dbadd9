import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { testDocker } from '../support/dockerFixtures';
import { withRedis } from '../support/redisFixtures';
import { runCli, spawnCli, type CliRun } from '../support/runCli';
import type { ScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';
import { seedVolume } from '../support/volumeFixtures';
import { bulkyDatabase, bulkyRedis, bulkyTree } from './support/faultData';
import { volumeBackupArgs } from './support/volumeArgs';
import { injectFault, recordMeasure } from './support/ledger';
import { expectEverySetVerifies, expectNothingLeftBehind, runFolders, waitForBytesWritten } from './support/setInvariants';

// No run waits forever (issue 15): a server frozen mid-run (SIGSTOP) keeps its connections
// open and sends nothing. Each run must end within its stall limit with a *_TIMEOUT that names
// the step, keep nothing, release its lock, and the next run must succeed once the server thaws.
const env = testEnv();
const MIB = 1024 * 1024;
const STALL_SECONDS = 4;

/** The pids of a process and its children (a server and its workers, backends or fork). */
function processTree(pid: number): number[] {
	const pairs = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
		.split('\n')
		.map((l) => l.trim().split(/\s+/).map(Number))
		.filter(([p]) => p > 0);
	const below = (parent: number): number[] => pairs.filter(([, pp]) => pp === parent).flatMap(([p]) => [p, ...below(p)]);
	return [pid, ...below(pid)];
}
const signalAll = (pids: number[], signal: NodeJS.Signals) => {
	for (const pid of pids) {
		try {
			process.kill(pid, signal);
		} catch {
			// gone meanwhile (a backend that ended)
		}
	}
};
const hostPgPid = () => Number(readFileSync(join(dirname(env.dockerSocket), 'host-pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
const hostRedisPid = () => Number(readFileSync(join(dirname(env.dockerSocket), 'host-redis.pid'), 'utf8'));
const dockerdPid = () => Number(readFileSync(join(dirname(env.dockerSocket), 'docker.pid'), 'utf8'));

/** Freezes `pids()` once the run is under way, and reports how long the run took to fail after that. */
async function freezeMidRun(args: string[], underWay: () => Promise<void>, pids: () => number[], extraEnv: Record<string, string> = {}) {
	const run = spawnCli([...args, '--stall-timeout', String(STALL_SECONDS)], { env: extraEnv });
	await underWay();
	const frozen = pids();
	signalAll(frozen, 'SIGSTOP');
	const frozenAt = Date.now();
	let outcome: CliRun;
	try {
		outcome = await run.done;
	} finally {
		signalAll(frozen, 'SIGCONT');
	}
	const secondsToEnd = (Date.now() - frozenAt) / 1000;
	recordMeasure(
		`${args[1]} run with ${args.includes('--volume') ? 'the Docker Engine' : args[1] === 'redis' ? 'Redis' : 'Postgres'} frozen`,
		`${outcome.json?.error?.code ?? outcome.code} after ${secondsToEnd.toFixed(1)} s (stall limit ${STALL_SECONDS} s)`,
	);
	return { outcome, secondsToEnd };
}

describe('a server frozen (SIGSTOP) mid-run: a *_TIMEOUT within the limit, never a hang', () => {
	const work = mkdtempSync(join(tmpdir(), 'fault-freeze-'));
	const root = join(work, 'backups');
	afterAll(() => {
		// Whatever happened, no server stays frozen for the suites after this one.
		signalAll([...processTree(hostPgPid()), ...processTree(hostRedisPid()), dockerdPid()], 'SIGCONT');
		rmSync(work, { recursive: true, force: true });
	});

	describe('Postgres', () => {
		let db: ScratchDatabase;
		beforeAll(async () => {
			db = await bulkyDatabase(env.hostPostgres, 120);
		});
		afterAll(() => db.drop());
		const args = (set: string) => [
			'backup',
			'postgres',
			'--root',
			root,
			'--set',
			set,
			'--url',
			`postgres://${env.hostPostgres.user}@127.0.0.1:${env.hostPostgres.port}/${db.name}`,
			'--compression',
			'none',
		];
		const pgEnv = { PGPASSWORD: env.hostPostgres.password };

		it('frozen mid-dump: PG_TIMEOUT naming pg_dump within the stall limit; nothing kept, the lock released; the next run succeeds', async () => {
			let result: Awaited<ReturnType<typeof freezeMidRun>> | undefined;
			await injectFault(
				'Postgres frozen mid-dump',
				async () => {
					result = await freezeMidRun(
						args('pg-frozen'),
						() => waitForBytesWritten(root, 'pg-frozen', 8 * MIB),
						() => processTree(hostPgPid()),
						pgEnv,
					);
				},
				async () => {
					const { outcome, secondsToEnd } = result!;
					expect(outcome.code).toBe(1);
					expect(outcome.json.error).toMatchObject({
						code: 'PG_TIMEOUT',
						message: expect.stringMatching(new RegExp(`pg_dump on .* sent nothing for ${STALL_SECONDS} s`)),
						hint: expect.any(String),
					});
					// The stall limit, then a bounded cleanup (closing the session waits at most 5 s).
					expect(secondsToEnd).toBeLessThan(STALL_SECONDS + 15);
					expectNothingLeftBehind(root, 'pg-frozen', []);
					const next = await runCli(args('pg-frozen'), { env: pgEnv });
					expect(next.code).toBe(0);
					await expectEverySetVerifies(root, 'pg-frozen');
				},
			);
		});

		it('a table locked by another session: pg_dump gives up after the lock wait timeout with PG_TIMEOUT, and says what to do', async () => {
			const locker = new Client({ ...env.hostPostgres, host: '127.0.0.1', database: db.name });
			await locker.connect();
			try {
				await locker.query('BEGIN');
				await locker.query('LOCK TABLE bulk IN ACCESS EXCLUSIVE MODE');
				const began = Date.now();
				const run = await runCli([...args('pg-locked'), '--lock-wait-timeout', '2'], { env: pgEnv });
				expect(run.code).toBe(1);
				expect(run.json.error).toMatchObject({
					code: 'PG_TIMEOUT',
					message: expect.stringMatching(/LOCK TABLE public\.bulk/),
					hint: expect.stringMatching(/pg_stat_activity/),
					details: { field: 'lockWaitTimeoutSeconds' },
				});
				expect((Date.now() - began) / 1000).toBeLessThan(30);
				expectNothingLeftBehind(root, 'pg-locked', []);
			} finally {
				await locker.query('ROLLBACK').catch(() => undefined);
				await locker.end();
			}
			expect((await runCli(args('pg-locked'), { env: pgEnv })).code).toBe(0);
		});
	});

	describe('Redis', () => {
		let cleanup: () => Promise<void>;
		beforeAll(async () => {
			cleanup = await bulkyRedis(env.hostRedis.port, 40);
		});
		afterAll(async () => {
			await withRedis(env.hostRedis.port, (r) => r.call('CONFIG', 'SET', 'rdb-key-save-delay', '0'));
			await cleanup();
		});

		it('frozen mid-SYNC: REDIS_TIMEOUT naming the snapshot within the stall limit; nothing kept; the next run succeeds', async () => {
			const args = ['backup', 'redis', '--root', root, '--set', 'redis-frozen', '--url', `redis://127.0.0.1:${env.hostRedis.port}`];
			let result: Awaited<ReturnType<typeof freezeMidRun>> | undefined;
			await injectFault(
				'Redis frozen mid-SYNC',
				async () => {
					// A per-key delay while Redis writes the RDB to the replica makes the transfer last seconds.
					await withRedis(env.hostRedis.port, (r) => r.call('CONFIG', 'SET', 'rdb-key-save-delay', '200'));
					result = await freezeMidRun(
						args,
						() => waitForBytesWritten(root, 'redis-frozen', 2 * MIB),
						() => processTree(hostRedisPid()),
					);
				},
				async () => {
					const { outcome, secondsToEnd } = result!;
					expect(outcome.code).toBe(1);
					expect(outcome.json.error).toMatchObject({
						code: 'REDIS_TIMEOUT',
						message: expect.stringMatching(new RegExp(`sent nothing of its snapshot for ${STALL_SECONDS} s`)),
					});
					expect(secondsToEnd).toBeLessThan(STALL_SECONDS + 15);
					expectNothingLeftBehind(root, 'redis-frozen', []);
					await withRedis(env.hostRedis.port, (r) => r.call('CONFIG', 'SET', 'rdb-key-save-delay', '0'));
					expect((await runCli(args)).code).toBe(0);
					await expectEverySetVerifies(root, 'redis-frozen');
				},
			);
		});
	});

	describe('the Docker Engine', () => {
		let tree: string;
		beforeAll(async () => {
			tree = bulkyTree(48);
			await seedVolume('stack_fault_freeze', tree);
		});
		afterAll(() => rmSync(tree, { recursive: true, force: true }));

		it('frozen mid-archive: DOCKER_TIMEOUT naming the archive within the stall limit; every Engine call after it is bounded; the next run succeeds', async () => {
			const args = volumeBackupArgs(root, 'engine-frozen', 'stack_fault_freeze');
			let result: Awaited<ReturnType<typeof freezeMidRun>> | undefined;
			await injectFault(
				'Docker Engine frozen mid-archive',
				async () => {
					result = await freezeMidRun(
						args,
						() => waitForBytesWritten(root, 'engine-frozen', 4 * MIB),
						() => [dockerdPid()],
					);
				},
				async () => {
					const { outcome, secondsToEnd } = result!;
					expect(outcome.code).toBe(1);
					expect(outcome.json.error).toMatchObject({
						code: 'DOCKER_TIMEOUT',
						message: expect.stringMatching(new RegExp(`archive of volume "stack_fault_freeze" sent nothing for ${STALL_SECONDS} s`)),
					});
					// The stall limit, then cleanup calls to the frozen Engine, each bounded at 30 s.
					expect(secondsToEnd).toBeLessThan(STALL_SECONDS + 100);
					expectNothingLeftBehind(root, 'engine-frozen', []);
					const next = await runCli(args);
					expect(next.code).toBe(0);
					const helpers = await testDocker().listContainers({ all: true, filters: { label: ['io.n8n-stack-backup.helper'] } });
					expect(helpers).toEqual([]);
					await expectEverySetVerifies(root, 'engine-frozen');
				},
			);
		});
	});

	it('the frozen runs left no lock behind', () => {
		for (const set of ['pg-frozen', 'pg-locked', 'redis-frozen', 'engine-frozen']) expect(runFolders(root, set).incomplete).toEqual([]);
	});
});
