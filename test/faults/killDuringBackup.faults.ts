import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli } from '../support/runCli';
import type { ScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';
import { seedVolume } from '../support/volumeFixtures';
import { bulkyDatabase, bulkyRedis, bulkyTree, seededRandom } from './support/faultData';
import { injectFault } from './support/ledger';
import { expectEverySetVerifies, expectOnlyCompleteSetsUsed, runFolders } from './support/setInvariants';

const env = testEnv();
const KILLS = 10;
const SEED = Number(process.env.STACK_FAULT_SEED ?? 20261129);
const docker = `unix://${env.dockerSocket}`;
const pgEnv = { PGPASSWORD: env.hostPostgres.password };

interface Kind {
	set: string;
	args: (root: string) => string[];
	env?: NodeJS.ProcessEnv;
}

describe('kill -9 of the CLI at random points during a backup of each kind', () => {
	const work = mkdtempSync(join(tmpdir(), 'fault-kill-'));
	const root = join(work, 'backups');
	const cleanups: Array<() => Promise<void>> = [];
	let hostDb: ScratchDatabase;
	let containerDb: ScratchDatabase;
	let tree: string;

	beforeAll(async () => {
		hostDb = await bulkyDatabase(env.hostPostgres, 40);
		containerDb = await bulkyDatabase(env.containerPostgres, 40);
		cleanups.push(
			() => hostDb.drop(),
			() => containerDb.drop(),
		);
		cleanups.push(await bulkyRedis(env.hostRedis.port, 40), await bulkyRedis(env.containerRedis.port, 40));
		tree = bulkyTree(48);
		await seedVolume('stack_fault_kill', tree);
	});
	afterAll(async () => {
		for (const cleanup of cleanups) await cleanup().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
		rmSync(tree, { recursive: true, force: true });
	});

	const kinds: Kind[] = [
		{
			set: 'pg-local',
			args: (r) => [
				'backup',
				'postgres',
				'--root',
				r,
				'--set',
				'pg-local',
				'--url',
				`postgres://${env.hostPostgres.user}@127.0.0.1:${env.hostPostgres.port}/${hostDb.name}`,
			],
			env: pgEnv,
		},
		{
			set: 'pg-container',
			args: (r) => [
				'backup',
				'postgres',
				'--root',
				r,
				'--set',
				'pg-container',
				'--container',
				env.containerPostgres.container,
				'--database',
				containerDb.name,
				'--user',
				env.containerPostgres.user,
				'--format',
				'custom',
				'--docker-host',
				docker,
			],
			env: { PGPASSWORD: env.containerPostgres.password },
		},
		{
			set: 'redis-sync',
			args: (r) => ['backup', 'redis', '--root', r, '--set', 'redis-sync', '--url', `redis://127.0.0.1:${env.hostRedis.port}`],
		},
		{
			set: 'redis-container',
			args: (r) => [
				'backup',
				'redis',
				'--root',
				r,
				'--set',
				'redis-container',
				'--container',
				env.containerRedis.container,
				'--port',
				String(env.containerRedis.port),
				'--docker-host',
				docker,
			],
		},
		{
			set: 'volume',
			args: (r) => [
				'backup',
				'volume',
				'--root',
				r,
				'--set',
				'volume',
				'--volume',
				'stack_fault_kill',
				'--image',
				env.helperImage,
				'--docker-host',
				docker,
			],
		},
		{ set: 'folder', args: (r) => ['backup', 'volume', '--root', r, '--set', 'folder', '--dir', tree] },
		{
			set: 'files',
			args: (r) => [
				'backup',
				'files',
				'--root',
				r,
				'--set',
				'files',
				'--file',
				join(tree, 'large-0.bin'),
				'--file',
				join(tree, 'large-1.bin'),
				'--file',
				join(tree, 'd0', 'f0.json'),
			],
		},
	];

	it.each(kinds.map((k, i) => [k.set, k, i] as const))(
		'%s: no crashed run is ever listed, verified, restored or counted; the next run takes over the lock; earlier sets still verify',
		async (_name, kind, index) => {
			const random = seededRandom(SEED + index);
			// The faster of two full runs: one slowed by a busy machine would put later kill points after the end.
			let fullRunMs = Infinity;
			for (let i = 0; i < 2; i++) {
				const first = Date.now();
				const baseline = await runCli(kind.args(root), { env: kind.env });
				expect(baseline).toMatchObject({ code: 0 });
				fullRunMs = Math.min(fullRunMs, Date.now() - first);
			}

			let killed = 0;
			for (let point = 0; point < KILLS; point++) {
				// Stratified: one kill in each tenth of a full run, at a random point inside it.
				const delay = Math.floor((fullRunMs * (point + random())) / KILLS);
				let outcome: Awaited<ReturnType<typeof spawnCli>['done']> | undefined;
				await injectFault(
					`kill -9 of "backup ${kind.set}" ${delay} ms into a ${fullRunMs} ms run`,
					async () => {
						const run = spawnCli(kind.args(root), { env: kind.env });
						await new Promise((resolve) => setTimeout(resolve, delay));
						run.child.kill('SIGKILL');
						outcome = await run.done;
					},
					async () => {
						// A run that finished before the kill landed left a complete set: also fine.
						if (outcome!.signal === 'SIGKILL') killed++;
						else expect(outcome!.code).toBe(0);
						await expectOnlyCompleteSetsUsed(root, kind.set, work);
						const next = await runCli(kind.args(root), { env: kind.env });
						if (next.code !== 0) throw new Error(`the run after the kill failed: ${next.stderr}`);
					},
				);
			}
			// Most points must fall inside the run, or the test proves little.
			expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
			expect(runFolders(root, kind.set).complete.length).toBeGreaterThanOrEqual(KILLS + 2);
			await expectEverySetVerifies(root, kind.set);
		},
	);
});
