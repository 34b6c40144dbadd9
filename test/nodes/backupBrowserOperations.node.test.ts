import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { backupPostgres } from '../../core';
import { Restore } from '../../nodes/Restore/Restore.node';
import { dumpOptions } from '../support/backupOptions';
import { runNode } from '../support/n8nNodeHarness';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratchDatabase';
import { writeNightlySets } from '../support/syntheticSets';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';

const env = testEnv();

describe("the Backup Browser's Stack Restore operations in n8n-core's execute context", () => {
	const tmp = useTempDir();
	const node = new Restore();
	let source: ScratchDatabase;
	beforeAll(async () => {
		source = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
	});
	afterAll(() => source.drop());

	it('List Runs gives one item: a page of runs, newest first, each with a label; Pin and Unpin change what retention keeps', async () => {
		const runs = writeNightlySets(tmp.path(), 'n8n-postgres', '2026-11-01', 5);
		const [out] = await runNode(node, {
			parameters: { resource: 'set', operation: 'listRuns', setFolder: join(tmp.path(), 'n8n-postgres'), pageSize: 2 },
			credentials: {},
		});
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ set: 'n8n-postgres', runFolders: 5, olderThan: '2026-11-04T02:00:00.000Z' });
		expect((out[0].json.runs as Array<{ label: string }>).map((r) => r.label)).toEqual([
			expect.stringMatching(/^2026-11-05 02:00:00 UTC · \d+ B · \d+ d old · never drilled$/),
			expect.stringMatching(/^2026-11-04 02:00:00 UTC · /),
		]);

		const [pinned] = await runNode(node, {
			parameters: { resource: 'set', operation: 'pinRun', setFolder: runs[0], pinReason: 'before the 2.42 upgrade' },
			credentials: {},
		});
		expect(pinned[0].json).toMatchObject({ pinned: true, reason: 'before the 2.42 upgrade', run: '2026-11-01T02-00-00.000Z' });
		expect(JSON.parse(readFileSync(join(runs[0], 'pin.json'), 'utf8'))).toMatchObject({ reason: 'before the 2.42 upgrade' });
		const [unpinned] = await runNode(node, { parameters: { resource: 'set', operation: 'unpinRun', setFolder: runs[0] }, credentials: {} });
		expect(unpinned[0].json).toMatchObject({ pinned: false, changed: true });
		expect(existsSync(join(runs[0], 'pin.json'))).toBe(false);
	});

	it('Compare With Running n8n runs once for all its input items (the running workflows), and refuses items that are not workflows', async () => {
		const set = await backupPostgres(dumpOptions(join(tmp.path(), 'pg'), source, 'local'));
		const items = [
			{ json: { id: 'wf1AAAAAAAAAAAAA', name: 'Nightly report', updatedAt: '2030-01-01T00:00:00.000Z' } },
			{ json: { id: 'brandNewWorkflow', name: 'Made since', updatedAt: '2030-01-01T00:00:00.000Z' } },
		];
		const [out] = await runNode(node, {
			parameters: {
				resource: 'workflow',
				operation: 'compareWorkflows',
				setFolder: set.path,
				runningWorkflows: '={{ $input.all().map(item => item.json) }}',
			},
			credentials: {},
			items,
		});
		expect(out).toHaveLength(1);
		expect(out[0].json.counts).toEqual({ unchanged: 0, changed: 1, 'deleted since': 41, 'new since': 1 });
		const error = await runNode(node, {
			parameters: { resource: 'workflow', operation: 'compareWorkflows', setFolder: set.path, runningWorkflows: '={{ [{ "x": 1 }] }}' },
			credentials: {},
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/not a list of workflows with an ID and updatedAt/);
		expect(error.description).toMatch(/Get many workflows/);
	});

	it('Take From Workflows JSON gives one item per chosen workflow, ready for "Create a workflow"', async () => {
		const set = await backupPostgres(dumpOptions(join(tmp.path(), 'pg2'), source, 'local'));
		const [out] = await runNode(node, {
			parameters: {
				resource: 'workflow',
				operation: 'pickWorkflows',
				setFolder: set.path,
				workflowIds: 'wf1AAAAAAAAAAAAA, wf2BBBBBBBBBBBBB',
				pickOutput: 'copies',
			},
			credentials: {},
		});
		expect(out.map((i) => (i.json.workflow as { name: string }).name)).toEqual([
			expect.stringMatching(/^Nightly report \(restored \d{4}-\d{2}-\d{2}\)$/),
			expect.stringMatching(/^Webhook → Slack «ünïcode» \(restored /),
		]);
		expect(out[0].json.source).toMatchObject({ id: 'wf1AAAAAAAAAAAAA', set: 'n8n-db' });
	});
});
