import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxContainer, testDocker } from '../support/dockerFixtures';
import { runCli, spawnCli } from '../support/runCli';
import { withClient, type ScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';
import { bulkyDatabase, bulkyRedis, bulkyTree } from './support/faultData';
import { injectFault } from './support/ledger';
import { until } from '../support/until';
import { expectEverySetVerifies, expectNothingLeftBehind, runFolders } from './support/setInvariants';

const env = testEnv();
const pgUrl = (db: string) => `postgres://${env.hostPostgres.user}@127.0.0.1:${env.hostPostgres.port}/${db}`;
const pgEnv = { PGPASSWORD: env.hostPostgres.password };

describe('a full disk, two runs at once, and containers stopped for a backup that fails', () => {
	const work = mkdtempSync(join(tmpdir(), 'fault-disk-'));
	const small = join(work, 'small-disk');
	let db: ScratchDatabase;
	let tree: string;
	let redisCleanup: () => Promise<void>;

	beforeAll(async () => {
		db = await bulkyDatabase(env.hostPostgres, 24);
		tree = bulkyTree(24);
		redisCleanup = await bulkyRedis(env.hostRedis.port, 24);
		mkdirSync(small);
		// 6 MiB: room for the small earlier sets, not for the next backup.
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', small]);
	});
	afterAll(async () => {
		execFileSync('umount', [small]);
		await db.drop();
		await redisCleanup();
		rmSync(work, { recursive: true, force: true });
		rmSync(tree, { recursive: true, force: true });
	});

	// --min-free-mb 0 lets the run start, so the disk fills up in the middle of the write.
	const full = ['--root', small, '--compression', 'none', '--min-free-mb', '0'];
	const cases: Array<{ kind: string; args: () => string[]; env?: NodeJS.ProcessEnv }> = [
		{ kind: 'postgres', args: () => ['backup', 'postgres', ...full, '--set', 'disk', '--url', pgUrl(db.name)], env: pgEnv },
		{ kind: 'redis', args: () => ['backup', 'redis', ...full, '--set', 'disk', '--url', `redis://127.0.0.1:${env.hostRedis.port}`] },
		{ kind: 'folder', args: () => ['backup', 'volume', ...full, '--set', 'disk', '--dir', tree] },
		{
			kind: 'files',
			args: () => ['backup', 'files', ...full, '--set', 'disk', '--file', join(tree, 'large-0.bin'), '--file', join(tree, 'large-1.bin')],
		},
	];

	it.each(cases.map((c) => [c.kind, c] as const))(
		'disk full during a %s backup: DISK_FULL (ENOSPC) with a hint, nothing left behind, earlier sets intact',
		async (_kind, c) => {
			const earlierFile = join(work, 'earlier.env');
			writeFileSync(earlierFile, 'N8N_HOST=example\n');
			if (runFolders(small, 'disk').complete.length === 0)
				expect(
					(await runCli(['backup', 'files', '--root', small, '--set', 'disk', '--min-free-mb', '0', '--file', earlierFile])).code,
				).toBe(0);
			const before = runFolders(small, 'disk').complete;
			let outcome: Awaited<ReturnType<typeof runCli>> | undefined;
			await injectFault(
				`disk full during a ${c.kind} backup`,
				async () => {
					outcome = await runCli(c.args(), { env: c.env });
				},
				async () => {
					expect(outcome!.code).toBe(1);
					expect(outcome!.json.error).toMatchObject({
						code: 'DISK_FULL',
						hint: expect.stringMatching(/Free some space/),
						details: { errno: 'ENOSPC' },
					});
					expectNothingLeftBehind(small, 'disk', before);
					await expectEverySetVerifies(small, 'disk');
				},
			);
		},
	);

	it('stop-during-backup: when the archive fails on a full disk, the stopped containers run again afterwards', async () => {
		const names = ['fault-stop-a', 'fault-stop-b'];
		const removers = await Promise.all(names.map((n) => busyboxContainer(n, true)));
		try {
			let outcome: Awaited<ReturnType<typeof runCli>> | undefined;
			await injectFault(
				'archive fails on a full disk while two containers are stopped for it',
				async () => {
					outcome = await runCli([
						'backup',
						'volume',
						...full,
						'--set',
						'stopped',
						'--dir',
						tree,
						...names.flatMap((n) => ['--stop-container', n]),
						'--docker-host',
						`unix://${env.dockerSocket}`,
					]);
				},
				async () => {
					expect(outcome!.code).toBe(1);
					expect(outcome!.json.error.code).toBe('DISK_FULL');
					expect(outcome!.stderr).toMatch(/fault-stop-a/);
					for (const name of names) expect((await testDocker().getContainer(name).inspect()).State.Running).toBe(true);
					expectNothingLeftBehind(small, 'stopped', []);
				},
			);
		} finally {
			for (const remove of removers) await remove();
		}
	});

	it('two runs of the same set at once: one is refused with BACKUP_LOCKED, the other completes, nothing is corrupted', async () => {
		const root = join(work, 'concurrent');
		const args = ['backup', 'postgres', '--root', root, '--set', 'twice', '--url', pgUrl(db.name)];
		let results: Array<Awaited<ReturnType<typeof runCli>>> = [];
		await injectFault(
			'two runs of the same set at once',
			async () => {
				// A table lock holds the first run's pg_dump still, so the two runs surely overlap.
				results = await withClient(env.hostPostgres, db.name, async (blocker) => {
					await blocker.query('BEGIN');
					await blocker.query('LOCK TABLE bulk IN ACCESS EXCLUSIVE MODE');
					const first = spawnCli(args, { env: pgEnv });
					await until(
						'the first run taking the lock',
						() => {
							if (!existsSync(join(root, 'twice', '.lock'))) throw new Error('no lock yet');
						},
						30_000,
					);
					const second = await runCli(args, { env: pgEnv });
					await blocker.query('COMMIT');
					return [await first.done, second];
				});
			},
			async () => {
				const codes = results.map((r) => r.code).sort();
				expect(codes).toEqual([0, 1]);
				const refused = results.find((r) => r.code === 1)!;
				expect(refused.json.error).toMatchObject({ code: 'BACKUP_LOCKED', hint: expect.any(String) });
				const sets = runFolders(root, 'twice');
				expect(sets.complete).toHaveLength(1);
				expect(sets.incomplete).toHaveLength(0);
				await expectEverySetVerifies(root, 'twice');
			},
		);
	});
});
