import { linkSync, mkdirSync, mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browseRuns, workflowChangesSince } from '../../../core';
import { runFolderName } from '../../../core/backupSet/runFolderName';
import { writeSyntheticSet } from '../../support/syntheticSets';

const RUNS = 10_000;
const WORKFLOWS = 2_000;

/** 2,000 n8n workflows in a manifest's inventory, as a large n8n's nightly set records them. */
function n8nInventory() {
	return {
		postgres: {
			database: 'n8n',
			tables: [],
			totalRows: 0,
			n8n: {
				tablePrefix: '',
				schema: 'public',
				credentials: [],
				lastMigration: null,
				workflows: Array.from({ length: WORKFLOWS }, (_, i) => ({
					id: `wf${String(i).padStart(14, '0')}`,
					name: `Workflow number ${i} with a name of ordinary length`,
					active: i % 3 === 0,
					updatedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
					sha256: 'ab'.repeat(32),
				})),
			},
		},
	};
}

describe('the Backup Browser pages on a large root: 10,000 runs of a set, 2,000 workflows in a run', () => {
	const root = mkdtempSync(join(tmpdir(), 'browse-scale-'));
	const setFolder = join(root, 'n8n-postgres');
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	beforeAll(() => {
		// One real set, then 9,999 more run folders whose files are hard links to its files: every
		// run is a complete set with a 2,000-workflow manifest, without writing 3 GB.
		const first = writeSyntheticSet(root, 'n8n-postgres', new Date(Date.UTC(2025, 0, 1)), { inventory: n8nInventory() });
		for (let i = 1; i < RUNS; i++) {
			const run = join(setFolder, runFolderName(new Date(Date.UTC(2025, 0, 1) + i * 3_600_000)));
			mkdirSync(run, { mode: 0o700 });
			for (const file of ['manifest.json', 'n8n.sql']) linkSync(join(first, file), join(run, file));
		}
	}, 120_000);

	it('page 2 reads the manifests of its own 50 runs only, never all 10,000; page 3 compares 2,000 workflows from one manifest', async () => {
		// Counted where every local read goes through: a page that read every manifest would read 10,000.
		const reads = jest.spyOn(fsp, 'readFile');
		const began = performance.now();
		const page = await browseRuns({ setFolder });
		const page2Ms = performance.now() - began;
		const manifestsRead = reads.mock.calls.filter(([path]) => String(path).endsWith('manifest.json')).length;
		reads.mockRestore();
		expect(manifestsRead).toBe(50);
		expect(page.runFolders).toBe(RUNS);
		expect(page.runs).toHaveLength(50);
		expect(page.runs[0].run).toBe(runFolderName(new Date(Date.UTC(2025, 0, 1) + (RUNS - 1) * 3_600_000)));
		expect(page.runs[0].workflows).toBe(WORKFLOWS);
		expect(page.olderThan).toBe(page.runs[49].startedAt);

		const older = await browseRuns({ setFolder, before: page.olderThan! });
		expect(older.runs[0].startedAt < page.runs[49].startedAt).toBe(true);

		const live = n8nInventory().postgres.n8n.workflows.map((w, i) => ({
			id: w.id,
			name: w.name,
			updatedAt: i % 10 === 0 ? '2026-12-01T00:00:00.000Z' : w.updatedAt,
		}));
		const began3 = performance.now();
		const changes = await workflowChangesSince(page.runs[0].path, live);
		const page3Ms = performance.now() - began3;
		expect(changes.workflows.filter((w) => w.change === 'changed')).toHaveLength(WORKFLOWS / 10);

		// Measured, not asserted (tests assert behaviour); the target is under 1 s each.
		process.stdout.write(
			`Backup Browser on ${RUNS} runs: page 2 in ${page2Ms.toFixed(0)} ms, page 3 (${WORKFLOWS} workflows) in ${page3Ms.toFixed(0)} ms\n`,
		);
	});
});
