import { join } from 'node:path';
import { runCli } from '../support/runCli';
import { writeNightlySets } from '../support/syntheticSets';
import { useTempDir } from '../support/tempDir';

describe('n8n-stack-backup pin, unpin, and list with pins and drill verdicts', () => {
	const tmp = useTempDir();

	it('pins a run with a reason, lists it, keeps it through prune, and unpins it', async () => {
		const root = tmp.path();
		const runs = writeNightlySets(root, 'nightly', '2026-11-01', 3);
		const pin = await runCli(['pin', runs[0], '--reason', 'before the 2.42 upgrade']);
		expect(pin.code).toBe(0);
		expect(pin.stdout).toContain(`Pinned ${runs[0]} (before the 2.42 upgrade)`);
		expect(pin.json).toMatchObject({ set: 'nightly', pinned: true, reason: 'before the 2.42 upgrade' });

		const drill = await runCli(['verify', runs[2], '--drill']);
		expect(drill.json).toMatchObject({ verdict: 'fail' }); // a dump with no scratch server to restore it into
		const list = await runCli(['list', '--root', root, '--set', 'nightly']);
		expect(list.stdout).toMatch(/nightly: 3 complete, 0 incomplete, .*, last drill FAIL /);
		expect(list.stdout).toMatch(/2026-11-01T02-00-00\.000Z .*\(pinned: before the 2\.42 upgrade\)/);
		expect(list.stdout).toMatch(/2026-11-03T02-00-00\.000Z .*\(drill FAIL /);

		const prune = await runCli(['prune', '--root', root, '--set', 'nightly', '--keep-last', '1']);
		expect(prune.json.sets.find((s: { run: string }) => s.run === '2026-11-01T02-00-00.000Z')).toMatchObject({
			action: 'kept',
			reasons: ['pinned: before the 2.42 upgrade'],
		});
		expect(prune.json.sets.find((s: { run: string }) => s.run === '2026-11-02T02-00-00.000Z')).toMatchObject({ action: 'deleted' });

		const unpin = await runCli(['unpin', join(root, 'nightly', '2026-11-01T02-00-00.000Z')]);
		expect(unpin.stdout).toContain('Unpinned');
		const again = await runCli(['unpin', join(root, 'nightly', '2026-11-01T02-00-00.000Z')]);
		expect(again.stdout).toContain('was not pinned');
		const badReason = await runCli(['pin', runs[0], '--reason', 'x'.repeat(301)]);
		expect(badReason.code).toBe(2);
		expect(badReason.json.error).toMatchObject({ code: 'INVALID_INPUT', hint: expect.stringMatching(/short reason/) });
	});
});
