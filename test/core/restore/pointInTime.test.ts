import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	backupPostgres,
	checkWalHealth,
	collectWal,
	planPointInTime,
	restoreToPointInTime,
	runRestoreDrill,
	stopWal,
	type StackBackupError,
} from '../../../core';
import { currentOwner } from '../../../core/process/processOwner';
import { startPitrCluster, type PitrCluster } from '../../support/pitrCluster';
import { tmpdir } from 'node:os';
import { useTestBucket } from '../../support/s3Bucket';
import { testDocker } from '../../support/dockerFixtures';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const docker = { socketPath: env.dockerSocket };
const WF = 'wf1AAAAAAAAAAAAA';
const shaSql = `SELECT encode(sha256(convert_to(coalesce(nodes::text, '') || chr(10) || coalesce(connections::text, ''), 'UTF8')), 'hex') FROM workflow_entity WHERE id = '${WF}'`;

async function failure(promise: Promise<unknown>): Promise<StackBackupError> {
	return promise.then(
		() => {
			throw new Error('expected a failure');
		},
		(e: StackBackupError) => e,
	);
}

async function scratchLeftovers(): Promise<string[]> {
	// Only this process's: other test files may recover into scratch containers at the same time.
	const found = await testDocker().listContainers({
		all: true,
		filters: { label: ['io.n8n-stack-backup.scratch=pitr', `io.n8n-stack-backup.owner=${currentOwner()}`] },
	});
	return found.map((c) => c.Names[0]);
}

/** The stored copies of WAL segments in a root (name without the compression extension). */
function storedSegments(root: string, set: string): string[] {
	const folder = join(root, set, 'wal', '00000001');
	return readdirSync(folder).filter((n) => /^[0-9A-F]{24}\.zst$/.test(n));
}

describe('point-in-time recovery of Postgres (a cluster of its own in the private Docker Engine)', () => {
	// One folder for the whole story: each test builds on the root the one before it wrote.
	let dir = '';
	const tmp = { path: () => dir };
	let cluster: PitrCluster;
	const options = () => ({
		root: join(tmp.path(), 'root'),
		setName: 'n8n-pg',
		method: 'docker' as const,
		connection: { user: 'postgres', database: 'n8n' },
		docker: { connection: docker, container: cluster.name },
	});
	const edit = async (label: string) => {
		await cluster.sql(`UPDATE workflow_entity SET nodes = '[{"id":"a","name":"${label}"}]' WHERE id = '${WF}'`);
		return cluster.sql(shaSql);
	};
	const shas: Record<string, string> = {};
	let between: Date;
	let baseStartLsn = '';

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'pitr-'));
		cluster = await startPitrCluster();
	}, 120_000);
	afterAll(async () => {
		await cluster?.remove();
		rmSync(dir, { recursive: true, force: true });
	});

	it('restores exactly the state between two edits, and the base backup records its WAL range', async () => {
		const first = await collectWal(options());
		expect(first.slotCreated).toBe(true);
		const base = await backupPostgres({ ...options(), format: 'physical', compression: 'zstd' });
		const source = base.manifest.sources.postgres as Record<string, unknown>;
		expect(source).toMatchObject({ format: 'physical', timeline: 1 });
		expect(String(source.startLsn)).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
		baseStartLsn = String(source.startLsn);
		expect(String(source.systemIdentifier)).toMatch(/^\d+$/);
		expect(base.warnings).toEqual([]);

		shas.t1 = await edit('T1');
		await collectWal(options());
		// More than one segment, so that a hole can be made between two of them below.
		await cluster.sql('SELECT pg_switch_wal()');
		shas.t2 = await edit('T2');
		await collectWal(options());
		between = new Date();
		// Postgres compares commit times with the target: T3 must commit after it (a clock barrier, not a guess).
		while (Date.now() <= between.getTime() + 5) await new Promise((r) => setImmediate(r));
		await cluster.sql('SELECT pg_switch_wal()');
		shas.t3 = await edit('T3');
		await collectWal(options());
		expect(new Set(Object.values(shas)).size).toBe(3);

		const restored = await restoreToPointInTime({
			...options(),
			to: between,
			docker,
			target: { type: 'scratch', likeContainer: cluster.name },
			verifyBaseBackup: true,
		});
		expect(restored.workflows?.[WF]).toBe(shas.t2);
		expect(restored.verifyOutput).toMatch(/successfully verified/);
		expect(await scratchLeftovers()).toEqual([]);
	}, 300_000);

	it('refuses a target outside what the root holds, and says which range is possible', async () => {
		const before = await failure(planPointInTime(join(tmp.path(), 'root'), 'n8n-pg', new Date(Date.now() - 86_400_000)));
		expect(before.code).toBe('PITR_OUT_OF_RANGE');
		expect(before.hint).toMatch(/Recovery can reach from .* to /);
		const after = await failure(planPointInTime(join(tmp.path(), 'root'), 'n8n-pg', new Date(Date.now() + 3_600_000)));
		expect(after.code).toBe('PITR_OUT_OF_RANGE');
		expect(after.message).toMatch(/after the newest WAL collected/);
	});

	it('refuses a damaged WAL segment by its sha256 before the server sees it', async () => {
		const copy = join(tmp.path(), 'damaged');
		cpSync(join(tmp.path(), 'root'), copy, { recursive: true });
		const segment = join(copy, 'n8n-pg', 'wal', '00000001', storedSegments(copy, 'n8n-pg')[1]);
		const bytes = readFileSync(segment);
		bytes[bytes.length - 20] ^= 0xff;
		writeFileSync(segment, bytes);
		const error = await failure(
			restoreToPointInTime({ ...options(), root: copy, to: 'latest', docker, target: { type: 'scratch', likeContainer: cluster.name } }),
		);
		expect(error.code).toBe('CHECKSUM_MISMATCH');
		// The server never started on it: the scratch container was never made.
		expect(await scratchLeftovers()).toEqual([]);
	}, 120_000);

	it('reports a hole in the WAL as the latest reachable time, never as a silent shorter recovery', async () => {
		const copy = join(tmp.path(), 'hole');
		cpSync(join(tmp.path(), 'root'), copy, { recursive: true });
		// The segment after the one the base backup starts in: the one T2's edit went into.
		const [hi, lo] = baseStartLsn.split('/').map((h) => parseInt(h, 16));
		const baseSegment = `00000001${hi.toString(16).toUpperCase().padStart(8, '0')}${(lo >>> 24).toString(16).toUpperCase().padStart(8, '0')}.zst`;
		const segments = storedSegments(copy, 'n8n-pg').sort();
		const hole = segments[segments.indexOf(baseSegment) + 1];
		expect(segments.indexOf(baseSegment)).toBeGreaterThanOrEqual(0);
		expect(segments.at(-1)).not.toBe(hole);
		rmSync(join(copy, 'n8n-pg', 'wal', '00000001', hole));
		const latest = await failure(planPointInTime(copy, 'n8n-pg', 'latest'));
		expect(latest.code).toBe('WAL_GAP');
		expect(latest.message).toContain(hole.replace('.zst', ''));
		const reachable = new Date(String(latest.details?.latestReachable));
		expect(reachable.getTime()).toBeLessThan(between.getTime());
		// A moment before the hole is still possible.
		const plan = await planPointInTime(copy, 'n8n-pg', reachable);
		expect(plan.targetTime).toEqual(reachable);
		expect(plan.reach.gapAt).toBe(hole.replace('.zst', ''));
	});

	it('the drill of a base backup recovers it with all WAL into a scratch container, and fails on a hole', async () => {
		const drill = {
			method: 'docker' as const,
			connection: { user: 'postgres', database: 'n8n' },
			docker: { connection: docker, container: cluster.name },
		};
		const passed = await runRestoreDrill({ setPath: join(tmp.path(), 'root', 'n8n-pg'), postgres: drill });
		expect(passed.differences).toEqual([]);
		expect(passed.verdict).toBe('pass');
		const base = passed.checks.find((c) => c.artifact === 'base.tar.zst')!;
		expect(base.summary).toMatch(/pg_verifybackup: backup successfully verified/);
		expect(base.summary).toMatch(/42 n8n workflows compared with the WAL batch of/);
		const holed = await runRestoreDrill({ setPath: join(tmp.path(), 'hole', 'n8n-pg'), postgres: drill });
		expect(holed.verdict).toBe('fail');
		expect(holed.differences.join(' ')).toMatch(/WAL_GAP/);
		expect(await scratchLeftovers()).toEqual([]);
	}, 300_000);

	it('refuses to replace a live cluster without confirmation, and leaves the server running on its data', async () => {
		const error = await failure(
			restoreToPointInTime({ ...options(), to: 'latest', docker, target: { type: 'container', container: cluster.name } }),
		);
		expect(error.code).toBe('CONFIRMATION_REQUIRED');
		await cluster.ready();
		expect(await cluster.sql(shaSql)).toBe(shas.t3);
	}, 120_000);

	it('brings the cluster back after its volume is destroyed, with the edit made just before the disaster', async () => {
		shas.t4 = await edit('T4, just before the disaster');
		await collectWal(options());
		await cluster.container.stop({ t: 10 });
		const wipe = await testDocker().run(env.helperImage, ['sh', '-c', 'rm -rf /v/* /v/.[!.]* && ls -A /v | wc -l'], process.stdout, {
			HostConfig: { Binds: [`${cluster.volume}:/v`], NetworkMode: 'none', AutoRemove: true },
		});
		expect(wipe[0].StatusCode).toBe(0);

		const restored = await restoreToPointInTime({
			...options(),
			to: 'latest',
			docker,
			target: { type: 'container', container: cluster.name },
		});
		expect(restored.differences).toEqual([]);
		expect(restored.comparedWith).toMatch(/WAL batch/);
		await cluster.ready();
		expect(await cluster.sql(shaSql)).toBe(shas.t4);
		expect(await cluster.sql("SELECT count(*) FROM workflow_entity WHERE id LIKE 'gen%'")).toBe('40');
		// Nothing of the restore is left in the data folder.
		expect(await cluster.sql("SELECT count(*) FROM pg_ls_dir('.') AS f WHERE f LIKE 'n8n-stack%' OR f LIKE '.n8n-stack%'")).toBe('0');
	}, 300_000);

	it('guard: the watchdog fires before the stopped slot holds max_slot_wal_keep_size of WAL', async () => {
		const limited = await startPitrCluster(['max_slot_wal_keep_size=64MB']);
		const opts = { ...options(), root: join(tmp.path(), 'guard'), docker: { connection: docker, container: limited.name } };
		try {
			await collectWal(opts);
			const limitBytes = 64 * 1024 * 1024;
			// Collection has stopped; n8n goes on writing. Each step writes about 4 MB of WAL.
			let health = await checkWalHealth(opts);
			expect(health.problems).toEqual([]);
			let steps = 0;
			while (!health.problems.some((p) => p.code === 'WAL_SLOT_AT_RISK')) {
				expect(steps++).toBeLessThan(40);
				await limited.sql(
					"CREATE TABLE IF NOT EXISTS filler (x text); INSERT INTO filler SELECT md5(i::text) || repeat('x', 1000) FROM generate_series(1, 3000) i",
				);
				await limited.sql('SELECT pg_switch_wal()');
				health = await checkWalHealth(opts);
			}
			expect(health.slotState?.retainedBytes).toBeLessThan(limitBytes);
			expect(health.slotState?.walStatus).not.toBe('lost');
			expect(health.limitBytes).toBe(limitBytes);
			// And the other rule: collection that has not advanced for 30 minutes.
			const later = await checkWalHealth({ ...opts, now: new Date(Date.now() + 31 * 60_000) });
			expect(later.problems.map((p) => p.code)).toContain('WAL_STALLED');
			// Turning PITR off drops the slot: the server holds no WAL for us any more.
			expect((await stopWal(opts)).dropped).toBe(true);
			expect(await limited.sql("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'n8n_stack_backup_%'", 'postgres')).toBe(
				'0',
			);
		} finally {
			await limited.remove();
		}
	}, 300_000);
});

describe('point-in-time recovery with the base backup and the WAL in an S3 bucket', () => {
	const bucket = useTestBucket();
	let cluster: PitrCluster;
	beforeAll(async () => {
		cluster = await startPitrCluster();
	}, 120_000);
	afterAll(async () => {
		await cluster?.remove();
	});

	it('collects into the bucket and recovers from it to the latest moment', async () => {
		const options = {
			root: bucket.place('offsite'),
			setName: 'n8n-pg',
			method: 'docker' as const,
			connection: { user: 'postgres', database: 'n8n' },
			docker: { connection: docker, container: cluster.name },
		};
		await collectWal(options);
		await backupPostgres({ ...options, format: 'physical', compression: 'zstd' });
		await cluster.sql(`UPDATE workflow_entity SET nodes = '[{"id":"a","name":"in the bucket"}]' WHERE id = '${WF}'`);
		const expected = await cluster.sql(shaSql);
		await collectWal(options);
		expect((await bucket.keys('offsite/n8n-pg/wal/batches/')).length).toBe(2);
		const restored = await restoreToPointInTime({
			...options,
			to: 'latest',
			docker,
			target: { type: 'scratch', likeContainer: cluster.name },
		});
		expect(restored.workflows?.[WF]).toBe(expected);
		expect(restored.differences).toEqual([]);
	}, 300_000);
});
