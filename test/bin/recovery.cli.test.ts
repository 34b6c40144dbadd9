import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint } from '../support/dbFingerprint';
import { seedRedis, withRedis, withThrowawayRedis } from '../support/redisFixtures';
import { runCli } from '../support/runCli';
import { createScratchDatabase, withClient } from '../support/scratchDatabase';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';
import { describeTree, makeTree } from '../support/volumeFixtures';

const env = testEnv();
const pg = env.hostPostgres;
const pgEnv = { PGPASSWORD: pg.password };
const server = `postgres://${pg.user}@127.0.0.1:${pg.port}`;

describe('recovery CLI: list, verify, restore, prune (n8n not running)', () => {
	const tmp = useTempDir();

	it("disaster recovery: n8n's database is gone; restore last night's set and every workflow comes back", async () => {
		const source = await createScratchDatabase(pg, { n8nFixture: true });
		const name = source.name;
		try {
			const backup = await runCli(
				['backup', 'postgres', '--root', tmp.path(), '--set', 'n8n-db', '--url', `${server}/${name}`, '--format', 'custom'],
				{ env: pgEnv },
			);
			expect(backup.code).toBe(0);
			const before = await fingerprint(pg, name);

			const list = await runCli(['list', '--root', tmp.path()]);
			expect(list.code).toBe(0);
			expect(list.stdout).toMatch(/^n8n-db: 1 complete, 0 incomplete/m);
			expect(list.json).toEqual([expect.objectContaining({ set: 'n8n-db', complete: 1, incomplete: 0 })]);
			const runs = await runCli(['list', '--root', tmp.path(), '--set', 'n8n-db', '--json']);
			expect(runs.stdout.trim().split('\n')).toHaveLength(1);
			expect(runs.json[0].runs).toEqual([expect.objectContaining({ kinds: ['postgres', 'workflows'], path: backup.json.path })]);

			const drill = await runCli(['verify', join(tmp.path(), 'n8n-db'), '--drill', '--url', server], { env: pgEnv });
			expect(drill.code).toBe(0);
			expect(drill.stdout).toMatch(/^PASS /m);
			expect(drill.json).toMatchObject({ verdict: 'pass', differences: [] });

			await source.drop();
			const restore = await runCli(['restore', join(tmp.path(), 'n8n-db'), '--url', `${server}/${name}`, '--jobs', '2'], { env: pgEnv });
			expect(restore.code).toBe(0);
			expect(restore.stdout).toMatch(/Matches the manifest\./);
			expect(restore.json).toMatchObject({
				set: backup.json.path,
				postgres: { database: name, replaced: false, comparison: { differences: [], workflowsChecked: 42 } },
			});
			expect(await fingerprint(pg, name)).toEqual(before);
			expect(restore.stderr + restore.stdout).not.toContain(pg.password);

			const again = await runCli(['restore', backup.json.path, '--url', `${server}/${name}`], { env: pgEnv });
			expect(again.code).toBe(1);
			expect(again.json.error).toMatchObject({
				code: 'CONFIRMATION_REQUIRED',
				hint: expect.stringContaining(`confirm with its name "${name}"`),
				details: { field: 'confirmReplace' },
			});
			expect(again.json.error.hint).toMatch(/Options: --replace NAME, --database/);

			const replaced = await runCli(['restore', backup.json.path, '--url', `${server}/${name}`, '--replace', name], { env: pgEnv });
			expect(replaced.code).toBe(0);
			expect(replaced.json.postgres).toMatchObject({
				replaced: true,
				safetyBackup: expect.stringContaining(join(tmp.path(), `pre-restore-${name}`)),
			});
		} finally {
			await source.drop();
		}
	});

	it('verify exits 1 on a changed artifact, and the drill verdict says why', async () => {
		const dir = makeTree();
		const backup = await runCli(['backup', 'volume', '--root', tmp.path(), '--set', 'data', '--dir', dir, '--compression', 'none']);
		expect(backup.code).toBe(0);
		const file = join(backup.json.path, backup.json.artifacts[0].file);
		const bytes = readFileSync(file);
		bytes[600] ^= 1;
		writeFileSync(file, bytes);
		const plain = await runCli(['verify', backup.json.path]);
		expect(plain.code).toBe(1);
		expect(plain.json.error.code).toBe('CHECKSUM_MISMATCH');
		const drill = await runCli(['verify', backup.json.path, '--drill']);
		expect(drill.code).toBe(1);
		expect(drill.json).toMatchObject({ verdict: 'fail', differences: [expect.stringMatching(/^CHECKSUM_MISMATCH/)] });
	});

	it('restores a folder set with --dir, and Redis into its container with --redis-container', async () => {
		const dir = makeTree();
		const folder = await runCli(['backup', 'volume', '--root', tmp.path(), '--set', 'data', '--dir', dir]);
		const target = join(tmp.path(), 'back');
		const restored = await runCli(['restore', folder.json.path, '--dir', target]);
		expect(restored.code).toBe(0);
		expect(describeTree(target)).toEqual(describeTree(dir));

		const port = env.containerRedis.port;
		await seedRedis(port);
		const snap = await runCli(['backup', 'redis', '--root', tmp.path(), '--set', 'redis', '--url', `redis://127.0.0.1:${port}`]);
		expect(snap.code).toBe(0);
		await withThrowawayRedis(async (scratch) => {
			const drill = await runCli(['verify', snap.json.path, '--drill', '--redis-url', `redis://127.0.0.1:${scratch}`]);
			expect(drill.code).toBe(0);
			expect(drill.json.checks[0]).toMatchObject({ kind: 'redis', result: 'pass', summary: '157 keys loaded' });
		});
		await withRedis(port, (r) => r.flushall());
		const docker = ['--docker-host', `unix://${env.dockerSocket}`];
		const missingTarget = await runCli(['restore', snap.json.path]);
		expect(missingTarget.code).toBe(2);
		expect(missingTarget.stderr).toMatch(/no target was given for redis[\s\S]*--redis-container/);
		const redis = await runCli([
			'restore',
			snap.json.path,
			'--redis-container',
			env.containerRedis.container,
			'--redis-port',
			String(port),
			...docker,
		]);
		expect(redis.code).toBe(0);
		expect(redis.json.redis).toMatchObject({ keys: { db0: 150, db2: 7 }, differences: [] });
	});

	it('prune: dry run lists every set with its reasons; the real run deletes what no rule keeps', async () => {
		const dir = makeTree();
		for (let i = 0; i < 3; i++)
			expect((await runCli(['backup', 'volume', '--root', tmp.path(), '--set', 'data', '--dir', dir])).code).toBe(0);
		const dry = await runCli(['prune', '--root', tmp.path(), '--set', 'data', '--keep-last', '1', '--dry-run']);
		expect(dry.code).toBe(0);
		expect(dry.stdout).toMatch(/^Dry run: data \(keep-last 1, UTC\)/m);
		expect(dry.json.sets.map((s: { action: string }) => s.action)).toEqual(['kept', 'would delete', 'would delete']);
		const real = await runCli(['prune', '--root', tmp.path(), '--set', 'data', '--keep-last', '1', '--json']);
		expect(real.json).toMatchObject({ kept: 1, deleted: 2 });
		expect((await runCli(['list', '--root', tmp.path(), '--set', 'data'])).json[0].complete).toBe(1);
		const empty = await runCli(['prune', '--root', tmp.path(), '--set', 'data']);
		expect(empty.code).toBe(2);
		expect(empty.stderr).toMatch(/retention policy is empty/);
	});

	it("lists a set's workflows and extracts one as JSON for n8n", async () => {
		const source = await createScratchDatabase(pg, { n8nFixture: true });
		try {
			const backup = await runCli(['backup', 'postgres', '--root', tmp.path(), '--set', 'n8n-db', '--url', `${server}/${source.name}`], {
				env: pgEnv,
			});
			const workflows = await runCli(['list', 'workflows', backup.json.path]);
			expect(workflows.json).toHaveLength(42);
			expect(workflows.stdout).toMatch(/^wf1AAAAAAAAAAAAA {2}active/m);
			const extracted = await runCli(['extract', 'workflow', backup.json.path, '--id', 'wf1AAAAAAAAAAAAA']);
			expect(extracted.code).toBe(0);
			expect(extracted.json.workflow.name).toMatch(/^Nightly report \(restored \d{4}-\d{2}-\d{2}\)$/);
			const stored = await withClient(
				pg,
				source.name,
				async (c) => (await c.query(`SELECT nodes FROM workflow_entity WHERE id = 'wf1AAAAAAAAAAAAA'`)).rows[0].nodes,
			);
			expect(extracted.json.workflow.nodes).toEqual(stored);
		} finally {
			await source.drop();
		}
	});
});
