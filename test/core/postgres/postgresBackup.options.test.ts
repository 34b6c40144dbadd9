import { backupPostgres, readManifest, type PostgresInventory } from '../../../core';
import { fingerprint } from '../../support/dbFingerprint';
import { dumpOptions } from '../../support/backupOptions';
import { restoreIntoNewDatabase } from '../../support/restoreForTest';
import { createScratchDatabase, uniqueName, withClient, type ScratchDatabase } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

describe('Postgres dump options', () => {
	const tmp = useTempDir();
	let source: ScratchDatabase;
	const cleanup: string[] = [];

	beforeEach(async () => {
		source = await createScratchDatabase(env.containerPostgres, { n8nFixture: true });
	});
	afterEach(async () => {
		await source.drop();
		for (const name of cleanup.splice(0)) {
			await withClient(env.containerPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
		}
	});

	it('"leave out execution history" drops the rows of execution tables and of tables that reference them, and the dump still restores', async () => {
		const full = await backupPostgres(dumpOptions(tmp.path(), source, 'docker', { setName: 'full' }));
		const slim = await backupPostgres(
			dumpOptions(tmp.path(), source, 'docker', { setName: 'slim', n8nSkipExecutions: true, format: 'custom' }),
		);
		expect(slim.artifacts[0].rawSize).toBeLessThan(full.artifacts[0].rawSize / 3);

		const target = uniqueName('slim');
		cleanup.push(target);
		await restoreIntoNewDatabase(env.containerPostgres, slim.path, slim.artifacts[0], target);
		const restored = await fingerprint(env.containerPostgres, target);
		const original = await fingerprint(env.containerPostgres, source.name);
		expect(restored.rows).toMatchObject({
			'public.execution_entity': 0,
			'public.execution_data': 0,
			'public.execution_metadata': 0,
			'public.test_case_execution': 0,
			'public.workflow_entity': 42,
			'public.credentials_entity': 2,
			'audit.Event Log': 25,
		});
		expect(restored.workflows).toEqual(original.workflows);

		const manifest = await readManifest(slim.path);
		const sources = manifest.sources.postgres as { dataLeftOut: string[] };
		expect(sources.dataLeftOut.sort()).toEqual(
			['public.execution_data', 'public.execution_entity', 'public.execution_metadata', 'public.test_case_execution'].sort(),
		);
		const inv = manifest.inventory.postgres as PostgresInventory;
		expect(inv.tables.find((t) => t.name === 'execution_data')).toEqual({
			schema: 'public',
			name: 'execution_data',
			rows: 0,
			dataIncluded: false,
		});
	});

	it('table and schema filters are applied by pg_dump and mirrored in the inventory', async () => {
		const result = await backupPostgres(
			dumpOptions(tmp.path(), source, 'local', {
				connection: { ...source.connection, port: env.containerPostgres.port },
				excludeSchemas: ['audit'],
				excludeTables: ['execution_meta*'],
				excludeTableData: ['public.execution_data'],
			}),
		);
		const manifest = await readManifest(result.path);
		const inv = manifest.inventory.postgres as PostgresInventory;
		const names = inv.tables.map((t) => `${t.schema}.${t.name}`);
		expect(names).not.toContain('audit.Event Log');
		expect(names).not.toContain('public.execution_metadata');
		expect(inv.tables.find((t) => t.name === 'execution_data')?.dataIncluded).toBe(false);

		const target = uniqueName('filtered');
		cleanup.push(target);
		await restoreIntoNewDatabase(env.containerPostgres, result.path, result.artifacts[0], target);
		const restored = await fingerprint(env.containerPostgres, target);
		expect(Object.keys(restored.rows).sort()).toEqual([...names].sort());
		for (const t of inv.tables) expect(restored.rows[`${t.schema}.${t.name}`]).toBe(t.rows);
	});

	it('records credentials by id, name and type only, never their data', async () => {
		const result = await backupPostgres(dumpOptions(tmp.path(), source, 'docker'));
		const manifest = await readManifest(result.path);
		const inv = manifest.inventory.postgres as PostgresInventory;
		expect(inv.n8n?.credentials).toEqual([
			{ id: 'cred1AAAAAAAAAAA', name: 'Prod Postgres', type: 'postgres' },
			{ id: 'cred2BBBBBBBBBBB', name: 'Slack bot', type: 'slackApi' },
		]);
		expect(JSON.stringify(manifest)).not.toContain('U2FsdGVkX1');
		expect(inv.n8n?.lastMigration?.name).toBe('AddWorkflowPublishing1760000000000');
		expect(manifest.sources.postgres).toMatchObject({
			method: 'docker',
			container: 'postgres',
			serverVersion: expect.stringMatching(/^\d+\.\d+/),
		});
	});

	it('warns, and dumps everything, when "leave out execution history" meets a database that is not n8n\'s', async () => {
		const plain = await createScratchDatabase(env.containerPostgres);
		try {
			await withClient(env.containerPostgres, plain.name, (c) => c.query('CREATE TABLE t (x int); INSERT INTO t VALUES (1)'));
			const result = await backupPostgres(dumpOptions(tmp.path(), plain, 'docker', { n8nSkipExecutions: true }));
			expect(result.warnings.join(' ')).toMatch(/not an n8n database/);
			expect(result.inventory).toMatchObject({ tables: 1, rows: 1, n8n: null });
		} finally {
			await plain.drop();
		}
	});

	it("reads its inventory in the dump's own snapshot: rows written during the dump are in neither", async () => {
		// The writer's lock makes both the row count and pg_dump wait until its late rows are
		// committed; only a count taken in the dump's exported snapshot still says 25.
		const result = await withClient(env.containerPostgres, source.name, async (writer) => {
			await writer.query('BEGIN');
			await writer.query('LOCK TABLE audit."Event Log" IN ACCESS EXCLUSIVE MODE');
			const backup = backupPostgres(dumpOptions(tmp.path(), source, 'docker'));
			// Insert only once the backup is blocked on the table, i.e. after its snapshot was taken.
			for (let i = 0; i < 200; i++) {
				const waiting = await writer.query(
					`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
					[source.name],
				);
				if (waiting.rows[0].n > 0) break;
				await new Promise((r) => setTimeout(r, 25));
			}
			await writer.query(`INSERT INTO audit."Event Log" (message) SELECT 'late' FROM generate_series(1, 5)`);
			await writer.query('COMMIT');
			return backup;
		});
		const manifest = await readManifest(result.path);
		const inv = manifest.inventory.postgres as PostgresInventory;
		expect(inv.tables.find((t) => t.name === 'Event Log')?.rows).toBe(25);
		const target = uniqueName('snap');
		cleanup.push(target);
		await restoreIntoNewDatabase(env.containerPostgres, result.path, result.artifacts[0], target);
		expect((await fingerprint(env.containerPostgres, target)).rows['audit.Event Log']).toBe(25);
	});
});
