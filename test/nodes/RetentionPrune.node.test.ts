import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { RetentionPrune } from '../../nodes/RetentionPrune/RetentionPrune.node';
import { runNode } from '../support/n8nNodeHarness';
import { writeNightlySets } from '../support/syntheticSets';
import { useTempDir } from '../support/tempDir';

describe("Retention Prune node in n8n-core's execute context", () => {
	const tmp = useTempDir();
	const node = new RetentionPrune();
	// The node's own defaults (7 daily), as a user who only fills in the folder gets them.
	const defaults = Object.fromEntries(node.description.properties.filter((p) => p.type !== 'notice').map((p) => [p.name, p.default]));
	const runs = () => readdirSync(join(tmp.path(), 'nightly')).filter((n) => /^\d{4}/.test(n));

	it("defaults to the seeds' policy (7 daily); a dry run outputs one item per set with its verdict and reasons", async () => {
		writeNightlySets(tmp.path(), 'nightly', '2026-01-01', 10);
		const [out] = await runNode(node, {
			parameters: { ...defaults, backupRoot: tmp.path(), setName: 'nightly', dryRun: true },
			credentials: {},
		});
		expect(out).toHaveLength(10);
		expect(out.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(out.map((o) => o.json.action)).toEqual([...Array(7).fill('kept'), ...Array(3).fill('would delete')]);
		expect(out[0].json).toMatchObject({
			set: 'nightly',
			policy: 'keep-daily 7',
			dryRun: true,
			verdict: 'keep',
			reasons: expect.arrayContaining(['keep-daily: 2026-01-10']),
		});
		expect(runs()).toHaveLength(10);
	});

	it('deletes what no rule keeps, and can output one summary item', async () => {
		writeNightlySets(tmp.path(), 'nightly', '2026-01-01', 10);
		const [out] = await runNode(node, {
			parameters: { ...defaults, backupRoot: tmp.path(), setName: 'nightly', keepDaily: 2, keepWeekly: 1, options: { output: 'summary' } },
			credentials: {},
		});
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ kept: 2, deleted: 8, complete: 10, dryRun: false });
		expect(runs()).toEqual(['2026-01-09T02-00-00.000Z', '2026-01-10T02-00-00.000Z']);
	});

	it('never prunes when the current run failed (an error item from the step before)', async () => {
		writeNightlySets(tmp.path(), 'nightly', '2026-01-01', 10);
		const error = await runNode(node, {
			parameters: { ...defaults, backupRoot: tmp.path(), setName: 'nightly', options: { keepLast: 1 } },
			credentials: {},
			items: [{ json: { error: 'pg_dump failed [PG_DUMP_FAILED]', code: 'PG_DUMP_FAILED' } }],
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Not pruning: the step before failed/);
		expect(runs()).toHaveLength(10);
	});

	it('an empty policy is refused with a hint; with Continue On Fail it becomes an error item', async () => {
		writeNightlySets(tmp.path(), 'nightly', '2026-01-01', 3);
		const [out] = await runNode(node, {
			parameters: { ...defaults, backupRoot: tmp.path(), setName: 'nightly', keepDaily: 0 },
			credentials: {},
			continueOnFail: true,
		});
		expect(out[0].json).toMatchObject({
			code: 'INVALID_INPUT',
			error: expect.stringMatching(/empty/),
			hint: expect.stringMatching(/keep 7 daily sets .*Fields: "Keep Daily", "Keep Last", "Keep Within"\.$/),
			field: 'keepDaily',
		});
		expect(runs()).toHaveLength(3);
	});
});
