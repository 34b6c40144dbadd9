import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPlace, openPlace, planPointInTime, readBatches, restoreToPointInTime, walSlotName, walTimelineFolder } from '../../core';
import { openArtifact } from '../../core/backupSet/openArtifact';
import { startPitrCluster, type PitrCluster } from '../support/pitrCluster';
import { testDocker } from '../support/dockerFixtures';
import { runCli, spawnCli } from '../support/runCli';
import { createScratchDatabase, uniqueName, withClient, type ScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';
import { until } from '../support/until';

const env = testEnv();
const pg = env.hostPostgres;
const WF = 'wf1AAAAAAAAAAAAA';
const shaSql = `SELECT encode(sha256(convert_to(coalesce(nodes::text, '') || chr(10) || coalesce(connections::text, ''), 'UTF8')), 'hex') AS sha FROM workflow_entity WHERE id = '${WF}'`;
const dockerEnv = { DOCKER_HOST: `unix://${env.dockerSocket}` };

function childrenOf(pid: number): number[] {
	const file = `/proc/${pid}/task/${pid}/children`;
	return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

describe('wal collect on the host (local pg_receivewal over TCP)', () => {
	let dir = '';
	let db: ScratchDatabase;
	const set = uniqueName('pitr').replace(/_/g, '-');
	const url = () => `postgres://${pg.user}@${pg.host}:${pg.port}/${db.name}`;
	const pgEnv = { PGPASSWORD: pg.password };
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'pitr-cli-'));
		db = await createScratchDatabase(pg, { n8nFixture: true });
	});
	afterAll(async () => {
		// Never leave a slot behind on the shared server: it would keep WAL for ever.
		await runCli(['wal', 'stop', '--set', set, '--url', url()], { env: pgEnv });
		await db?.drop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('goes on from the slot after a collection killed with -9 mid-segment: nothing lost, nothing twice', async () => {
		const root = join(dir, 'root');
		const common = ['--root', root, '--set', set, '--url', url()];
		expect((await runCli(['wal', 'collect', ...common], { env: pgEnv })).code).toBe(0);
		const base = await runCli(['backup', 'postgres', ...common, '--format', 'physical'], { env: pgEnv });
		expect(base.code).toBe(0);
		// Several segments of WAL that nobody has collected yet.
		await withClient(pg, db.name, (c) =>
			c.query("CREATE TABLE filler (x text); INSERT INTO filler SELECT md5(i::text) || repeat('x', 900) FROM generate_series(1, 120000) i"),
		);
		const expected = await withClient(pg, db.name, async (c) => {
			await c.query(`UPDATE workflow_entity SET nodes = '[{"id":"a","name":"after the filler"}]' WHERE id = '${WF}'`);
			return (await c.query<{ sha: string }>(shaSql)).rows[0].sha;
		});

		const spool = join(homedir(), '.cache', 'n8n-stack-backup-wal', walSlotName(set));
		const run = spawnCli(['wal', 'collect', ...common], { env: pgEnv });
		// Killed once pg_receivewal has written a whole segment and is inside the next one.
		await until(
			'a whole segment in the spool',
			() => {
				if (!readdirSync(spool).some((n) => /^[0-9A-F]{24}$/.test(n))) throw new Error('not yet');
			},
			60_000,
		);
		const receivers = childrenOf(run.child.pid!);
		run.child.kill('SIGKILL');
		for (const pid of receivers) process.kill(pid, 'SIGKILL');
		const killed = await run.done;
		expect(killed.signal).toBe('SIGKILL');

		const again = await runCli(['wal', 'collect', ...common], { env: pgEnv });
		expect(again.stderr).not.toMatch(/ERROR|failed/);
		expect(again.code).toBe(0);
		const batches = await readBatches(childPlace(openPlace(root, 'root'), set));
		const { reach } = await planPointInTime(root, set, 'latest');
		expect(reach.gapAt).toBeNull();
		expect(reach.files.filter((f) => !f.partial).length).toBeGreaterThanOrEqual(5);
		// Each whole segment is recorded by exactly one batch.
		const recorded = batches.flatMap((b) => b.files.filter((f) => !f.partial && !f.name.endsWith('.history')).map((f) => f.name));
		expect(recorded.length).toBe(new Set(recorded).size);

		const restored = await restoreToPointInTime({
			root,
			setName: set,
			to: 'latest',
			docker: { socketPath: env.dockerSocket },
			target: { type: 'scratch', likeContainer: env.containerPostgres.container },
		});
		expect(restored.differences).toEqual([]);
		expect(restored.workflows?.[WF]).toBe(expected);
	}, 300_000);

	it('a run killed after its batch was written, before it cleared the spool: the next run records none of those segments again', async () => {
		const root = join(dir, 'root');
		const common = ['--root', root, '--set', set, '--url', url()];
		await withClient(pg, db.name, (c) =>
			c.query("INSERT INTO filler SELECT md5(i::text) || repeat('y', 900) FROM generate_series(1, 40000) i"),
		);
		expect((await runCli(['wal', 'collect', ...common], { env: pgEnv })).code).toBe(0);
		const setPlace = childPlace(openPlace(root, 'root'), set);
		const before = await readBatches(setPlace);
		const last = before.at(-1)!;
		const whole = last.files.filter((f) => !f.partial);
		expect(whole.length).toBeGreaterThan(0);
		// The state such a kill leaves: the batch names the segments, and they are still in the spool.
		const spool = join(homedir(), '.cache', 'n8n-stack-backup-wal', walSlotName(set));
		for (const f of whole) {
			await pipeline(openArtifact({ place: walTimelineFolder(setPlace, f.timeline) }, f), createWriteStream(join(spool, f.name)));
		}

		const again = await runCli(['wal', 'collect', ...common], { env: pgEnv });
		expect(again.code).toBe(0);
		const batches = await readBatches(setPlace);
		expect(batches.length).toBe(before.length + 1);
		const recorded = batches.flatMap((b) => b.files.filter((f) => !f.partial && !f.name.endsWith('.history')).map((f) => f.name));
		expect(recorded.length).toBe(new Set(recorded).size);
		expect(readdirSync(spool).filter((n) => whole.some((f) => f.name === n))).toEqual([]);
		const { reach } = await planPointInTime(root, set, 'latest');
		expect(reach.gapAt).toBeNull();
	}, 120_000);
});

describe('recover --to on a Postgres container', () => {
	let dir = '';
	let cluster: PitrCluster;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'pitr-recover-'));
		cluster = await startPitrCluster();
	}, 120_000);
	afterAll(async () => {
		await cluster?.remove();
		rmSync(dir, { recursive: true, force: true });
	});

	it('brings the cluster to the moment asked, refuses one out of range with the range, and after the volume is destroyed brings back the last edit (--to latest)', async () => {
		const root = join(dir, 'root');
		const common = ['--root', root, '--set', 'n8n-pg', '--container', cluster.name, '--database', 'n8n', '--user', 'postgres'];
		const edit = async (label: string) => {
			await cluster.sql(`UPDATE workflow_entity SET nodes = '[{"id":"a","name":"${label}"}]' WHERE id = '${WF}'`);
			expect((await runCli(['wal', 'collect', ...common], { env: dockerEnv })).code).toBe(0);
			return cluster.sql(shaSql.replace(' AS sha', ''));
		};
		expect((await runCli(['wal', 'collect', ...common], { env: dockerEnv })).code).toBe(0);
		expect((await runCli(['backup', 'postgres', ...common, '--format', 'physical'], { env: dockerEnv })).code).toBe(0);
		expect((await runCli(['plan', '--root', root, '--sets', 'n8n-pg'], { env: dockerEnv })).code).toBe(0);
		const wanted = await edit('wanted');
		const moment = new Date();
		while (Date.now() <= moment.getTime() + 5) await new Promise((r) => setImmediate(r));
		await edit('the mistake');

		const tooLate = await runCli(['recover', '--root', root, '--to', new Date(Date.now() + 3_600_000).toISOString()], { env: dockerEnv });
		expect(tooLate.code).not.toBe(0);
		expect(tooLate.stderr).toMatch(/PITR_OUT_OF_RANGE/);
		expect(tooLate.stderr).toMatch(/Recovery can reach from/);

		const recovered = await runCli(['recover', '--root', root, '--to', moment.toISOString()], { env: dockerEnv });
		expect(recovered.code).toBe(0);
		expect(recovered.stdout).toMatch(/recovered to/);
		await cluster.ready();
		expect(await cluster.sql(shaSql.replace(' AS sha', ''))).toBe(wanted);

		// The disaster: an edit, its collection, then the cluster's volume destroyed.
		expect((await runCli(['wal', 'collect', ...common], { env: dockerEnv })).code).toBe(0);
		const historyFile = join(root, 'n8n-pg', 'wal', '00000002', '00000002.history.zst');
		const firstWrite = statSync(historyFile).mtimeMs;
		const lastEdit = await edit('just before the disaster');
		// Every run on timeline 2 fetches the history file again: the newest batch records it, the stored file is never rewritten.
		const [previous, newest] = (await readBatches(childPlace(openPlace(root, 'root'), 'n8n-pg'))).slice(-2);
		const historyOf = (b: typeof newest) => b.files.find((f) => f.name === '00000002.history');
		expect(historyOf(newest)).toEqual(historyOf(previous));
		expect(historyOf(newest)?.file).toBe('00000002.history.zst');
		expect(statSync(historyFile).mtimeMs).toBe(firstWrite);
		await cluster.container.stop({ t: 10 });
		const wipe = await testDocker().run(env.helperImage, ['sh', '-c', 'rm -rf /v/* /v/.[!.]*'], process.stdout, {
			HostConfig: { Binds: [`${cluster.volume}:/v`], NetworkMode: 'none', AutoRemove: true },
		});
		expect(wipe[0].StatusCode).toBe(0);
		const back = await runCli(['recover', '--root', root, '--to', 'latest'], { env: dockerEnv });
		expect(back.stderr).not.toMatch(/Error/);
		expect(back.code).toBe(0);
		await cluster.ready();
		expect(await cluster.sql(shaSql.replace(' AS sha', ''))).toBe(lastEdit);
	}, 300_000);
});
