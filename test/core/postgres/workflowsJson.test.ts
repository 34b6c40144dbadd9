import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	asRestoredCopy,
	backupPostgres,
	compareWorkflows,
	pickExportedWorkflows,
	runRestoreDrill,
	workflowChangesSince,
} from '../../../core';
import { dumpOptions } from '../../support/backupOptions';
import { createScratchDatabase, withClient, type ScratchDatabase } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

describe("workflows.json: n8n's own export JSON beside every dump of an n8n database", () => {
	const tmp = useTempDir('workflows-json-');

	describe.each([
		{ method: 'local' as const, server: env.hostPostgres },
		{ method: 'docker' as const, server: env.containerPostgres },
	])('$method', ({ method, server }) => {
		let source: ScratchDatabase;
		beforeAll(async () => {
			source = await createScratchDatabase(server, { n8nFixture: true });
		});
		afterAll(() => source.drop());

		it('holds every workflow of the dump, one per line, read in the dump snapshot; a drill checks it', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, method, { compression: 'zstd' }));
			const artifact = set.artifacts.find((a) => a.kind === 'workflows')!;
			expect(artifact).toMatchObject({ file: 'workflows.json', format: 'n8n-export', compression: 'none' });
			expect(set.manifest.inventory.workflows).toEqual({ workflows: 42 });
			const text = readFileSync(join(set.path, 'workflows.json'), 'utf8');
			const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
			expect(parsed).toHaveLength(42);
			expect(text.split('\n')).toHaveLength(42 + 3); // "[", one line each, "]", and the last newline
			expect(parsed.find((w) => w.id === 'wf2BBBBBBBBBBBBB')).toMatchObject({
				name: 'Webhook → Slack «ünïcode»',
				nodes: [{ name: 'Webhook', parameters: { path: 'x\ty' } }],
				connections: {},
			});
			const drill = await runRestoreDrill({
				setPath: set.path,
				postgres: {
					method,
					connection: source.connection,
					docker:
						method === 'docker' ? { connection: { socketPath: env.dockerSocket }, container: env.containerPostgres.container } : undefined,
				},
			});
			expect(drill.checks.find((c) => c.kind === 'workflows')).toMatchObject({
				result: 'pass',
				summary: '42 workflows read as n8n export JSON',
			});
			expect(drill.verdict).toBe('pass');
		});
	});

	it('the browser picks workflows from it without the dump, as copies or as export JSON; a changed file is refused by its sha256', async () => {
		const source = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		try {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { compression: 'zstd' }));
			writeFileSync(join(set.path, 'n8n-db.sql.zst'), 'the dump is not read');
			const picked = await pickExportedWorkflows({ setPath: set.path, workflowIds: ['wf2BBBBBBBBBBBBB', 'wf1AAAAAAAAAAAAA'] });
			expect(picked.workflows.map((w) => w.id)).toEqual(['wf2BBBBBBBBBBBBB', 'wf1AAAAAAAAAAAAA']);
			expect(asRestoredCopy(picked.workflows[1], new Date('2026-12-02T10:00:00Z'))).toEqual({
				name: 'Nightly report (restored 2026-12-02)',
				nodes: [expect.objectContaining({ name: 'Schedule' })],
				connections: { Schedule: { main: [[{ node: 'Email', type: 'main', index: 0 }]] } },
				settings: {},
			});
			await expect(pickExportedWorkflows({ setPath: set.path, workflowIds: ['nope'] })).rejects.toMatchObject({
				code: 'WORKFLOW_NOT_FOUND',
			});
			const file = join(set.path, 'workflows.json');
			writeFileSync(file, readFileSync(file, 'utf8').replace('Nightly report', 'Nightly rep0rt'));
			await expect(pickExportedWorkflows({ setPath: set.path, workflowIds: ['wf1AAAAAAAAAAAAA'] })).rejects.toMatchObject({
				code: 'CHECKSUM_MISMATCH',
			});
			// A line broken mid-way fails its JSON parse first: still reported as the damaged file it is.
			writeFileSync(file, readFileSync(file, 'utf8').replace('"Nightly rep0rt"', '"Nightly rep0rt'));
			await expect(pickExportedWorkflows({ setPath: set.path, workflowIds: ['wf1AAAAAAAAAAAAA'] })).rejects.toMatchObject({
				code: 'CHECKSUM_MISMATCH',
			});
		} finally {
			await source.drop();
		}
	});

	it('what changed since a backup: edited, deleted and created workflows are told apart from unchanged ones', async () => {
		const source = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		try {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local'));
			// After the backup: one edited (n8n bumps updatedAt on save), one deleted, one created.
			const live = await withClient(env.hostPostgres, source.name, async (c) => {
				await c.query(
					`UPDATE workflow_entity SET nodes = '[]', "updatedAt" = "updatedAt" + interval '5 minutes' WHERE id = 'wf1AAAAAAAAAAAAA'`,
				);
				await c.query(`DELETE FROM workflow_entity WHERE id = 'gen0000000000007'`);
				await c.query(
					`INSERT INTO workflow_entity (id, name, active, nodes, connections) VALUES ('newCCCCCCCCCCCCC', 'Made today', false, '[]', '{}')`,
				);
				const rows = await c.query(`SELECT id, name, to_json("updatedAt")#>>'{}' AS "updatedAt" FROM workflow_entity`);
				return rows.rows as Array<{ id: string; name: string; updatedAt: string }>;
			});
			const report = await workflowChangesSince(set.path, live);
			const byId = new Map(report.workflows.map((w) => [w.id, w]));
			expect(byId.get('wf1AAAAAAAAAAAAA')).toMatchObject({ change: 'changed', inBackup: true, liveUpdatedAt: expect.any(String) });
			expect(byId.get('wf1AAAAAAAAAAAAA')!.label).toMatch(/^Nightly report \[wf1AAAAAAAAAAAAA\] · changed since \(saved /);
			expect(byId.get('gen0000000000007')).toMatchObject({ change: 'deleted since', liveUpdatedAt: null });
			expect(byId.get('newCCCCCCCCCCCCC')).toMatchObject({ change: 'new since', inBackup: false, backedUpUpdatedAt: null });
			expect(byId.get('wf2BBBBBBBBBBBBB')).toMatchObject({ change: 'unchanged' });
			expect(report.workflows.filter((w) => w.change === 'unchanged')).toHaveLength(40);
			expect(report.workflows.at(-1)!.id).toBe('newCCCCCCCCCCCCC');
		} finally {
			await source.drop();
		}
	});

	it('compares instants, not texts: the API and the database write the same updatedAt differently', () => {
		const rows = compareWorkflows(
			[{ id: '1', name: 'A', active: false, updatedAt: '2026-12-01T10:00:00.123+00:00', sha256: 'x' }],
			[{ id: '1', name: 'A renamed', updatedAt: '2026-12-01T10:00:00.123Z' }],
		);
		expect(rows).toEqual([expect.objectContaining({ change: 'unchanged', liveName: 'A renamed' })]);
	});
});
