import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childPlace, listSets, pinRun, pruneSets, reportSets, runRestoreDrill, unpinRun } from '../../../core';
import { writeOneArtifactSet } from '../../support/oneArtifactSet';
import { useTestBucket } from '../../support/s3Bucket';
import { writeNightlySets, writeSyntheticSet } from '../../support/syntheticSets';
import { useTempDir } from '../../support/tempDir';

const tmp = useTempDir('pins-drills-');

/** A files set a drill passes: its manifest records the file's size and sha256. */
function drillableSet(root: string, time: Date, content = 'KEY=value\n'): string {
	const sha256 = createHash('sha256').update(content).digest('hex');
	return writeSyntheticSet(root, 'n8n-config', time, {
		artifact: { file: 'env', kind: 'files', format: 'file', content },
		inventory: { files: { files: [{ file: 'env', path: '.env', size: content.length, sha256 }], missingOptional: [] } },
	});
}

const drillFilesIn = (run: string) => (existsSync(join(run, 'drills')) ? readdirSync(join(run, 'drills')) : []);

describe('drill history on disk', () => {
	it('a drill keeps its verdict in the run folder (0600, outside the manifest), and list shows the newest', async () => {
		const root = tmp.path();
		const run = drillableSet(root, new Date('2026-11-30T02:00:00Z'));
		const manifestBefore = readFileSync(join(run, 'manifest.json'));
		const verdict = await runRestoreDrill({ setPath: join(root, 'n8n-config') });
		expect(verdict.verdict).toBe('pass');
		const [file] = drillFilesIn(run);
		expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-f]{6}\.json$/);
		expect(verdict.recorded).toBe(join(run, 'drills', file));
		expect(statSync(join(run, 'drills', file)).mode & 0o777).toBe(0o600);
		expect(statSync(join(run, 'drills')).mode & 0o777).toBe(0o700);
		const record = JSON.parse(readFileSync(join(run, 'drills', file), 'utf8'));
		expect(record).toMatchObject({
			format: 'n8n-stack-backup/drill',
			verdict: 'pass',
			differences: [],
			durationMs: expect.any(Number),
			checks: [{ artifact: 'env', kind: 'files', result: 'pass' }],
			ranOn: { host: expect.any(String), pid: process.pid, tool: expect.stringMatching(/^n8n-stack-backup /) },
		});
		expect(readFileSync(join(run, 'manifest.json'))).toEqual(manifestBefore);

		const [listing] = await listSets(root, 'n8n-config');
		expect(listing.lastDrill).toMatchObject({ verdict: 'pass', at: record.at, run: run.split('/').pop() });
		expect(listing.runs![0]).toMatchObject({ lastDrill: { verdict: 'pass', at: record.at }, lastPassingDrillAt: record.at, pinned: null });
		const [all] = await listSets(root);
		expect(all.lastDrill).toMatchObject({ verdict: 'pass' });
	});

	it('a failed drill (the artifact was changed) writes a fail verdict with its differences; the last pass is still known', async () => {
		const root = tmp.path();
		const run = drillableSet(root, new Date('2026-11-30T02:00:00Z'));
		await runRestoreDrill({ setPath: run });
		writeFileSync(join(run, 'env'), 'KEY=other\n');
		const verdict = await runRestoreDrill({ setPath: run });
		expect(verdict.verdict).toBe('fail');
		const files = drillFilesIn(run).sort();
		expect(files).toHaveLength(2);
		const failed = JSON.parse(readFileSync(join(run, 'drills', files[1]), 'utf8'));
		expect(failed).toMatchObject({ verdict: 'fail', differences: [expect.stringMatching(/CHECKSUM_MISMATCH/)] });
		const [listing] = await listSets(root, 'n8n-config');
		expect(listing.runs![0].lastDrill).toMatchObject({ verdict: 'fail' });
		expect(listing.lastPassingDrill).not.toBeNull();
	});

	it('the Backup Report fails with NO_PASSING_DRILL when no drill passed within the limit, naming the last verdict', async () => {
		const root = tmp.path();
		const run = drillableSet(root, new Date(Date.now() - 3_600_000));
		const never = await reportSets({ root, setNames: 'n8n-config', maxDaysWithoutPassingDrill: 8 }).catch((e) => e);
		expect(never).toMatchObject({ code: 'NO_PASSING_DRILL', message: expect.stringMatching(/n8n-config \(never drilled\)/) });
		await runRestoreDrill({ setPath: run });
		const passing = await reportSets({ root, setNames: 'n8n-config', maxDaysWithoutPassingDrill: 8 });
		expect(passing.undrilled).toEqual([]);
		expect(passing.sets[0].lastDrill).toMatchObject({ verdict: 'pass' });
		// Nine days later, with only a failed drill since.
		writeFileSync(join(run, 'env'), 'changed\n');
		await runRestoreDrill({ setPath: run });
		const later = new Date(Date.now() + 9 * 86_400_000);
		const stale = await reportSets({ root, setNames: 'n8n-config', maxDaysWithoutPassingDrill: 8, now: later }).catch((e) => e);
		expect(stale).toMatchObject({ code: 'NO_PASSING_DRILL', details: { undrilled: ['n8n-config'] } });
		expect(stale.message).toMatch(/n8n-config \(last pass .*, last drill fail /);
		expect(stale.hint).toMatch(/weekly restore drill/);
	});

	it('retention deletes a run with its drill history, and leaves a drills entry that is a symlink (never followed) with its folder', async () => {
		const root = tmp.path();
		const outside = tmp.path();
		const decoy = join(outside, '2026-01-01T00-00-00.000Z-abcdef.json');
		writeFileSync(decoy, '{"format":"n8n-stack-backup/drill","verdict":"pass"}');
		const [first, second] = writeNightlySets(root, 'nightly', '2026-01-01', 3);
		for (const run of [first, second]) {
			mkdirSync(join(run, 'drills'), { mode: 0o700 });
			writeFileSync(join(run, 'drills', '2026-01-05T00-00-00.000Z-123456.json'), '{}');
		}
		writeFileSync(join(second, 'drills', 'notes.txt'), 'mine');
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepLast: 1 } });
		expect(existsSync(first)).toBe(false);
		expect(readdirSync(join(second, 'drills'))).toEqual(['notes.txt']);
		expect(result.warnings.join()).toMatch(/drills\/notes\.txt/);

		// Named security test: a planted symlink named drills is not followed into what it points at.
		const [, victim] = writeNightlySets(root, 'linked', '2026-01-01', 2);
		const [older] = readdirSync(join(root, 'linked')).sort();
		symlinkSync(outside, join(root, 'linked', older, 'drills'));
		await pruneSets({ root, setName: 'linked', policy: { keepLast: 1 } });
		expect(existsSync(decoy)).toBe(true);
		expect(existsSync(victim)).toBe(true);
		expect(readdirSync(join(root, 'linked', older))).toEqual(['drills']);
	});
});

describe('pins on disk', () => {
	it('retention never deletes a pinned run, reports "pinned: reason", and does not count it against keep-last', async () => {
		const root = tmp.path();
		const runs = writeNightlySets(root, 'nightly', '2026-01-01', 6);
		const pinned = await pinRun(runs[1], 'before the 2.42 upgrade', new Date('2026-01-07T00:00:00Z'));
		expect(pinned).toMatchObject({ set: 'nightly', run: '2026-01-02T02-00-00.000Z', pinned: true, reason: 'before the 2.42 upgrade' });
		expect(statSync(join(runs[1], 'pin.json')).mode & 0o777).toBe(0o600);
		// The newest is pinned too: keep-last 2 still keeps two unpinned runs besides it.
		await pinRun(join(root, 'nightly'), 'latest before the move');
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepLast: 2 } });
		const kept = result.sets.filter((s) => s.action === 'kept');
		expect(kept.map((s) => s.run)).toEqual([
			'2026-01-06T02-00-00.000Z',
			'2026-01-05T02-00-00.000Z',
			'2026-01-04T02-00-00.000Z',
			'2026-01-02T02-00-00.000Z',
		]);
		expect(kept[0].reasons).toEqual(['newest complete set (always kept)', 'pinned: latest before the move']);
		expect(kept[1].reasons).toEqual(['keep-last: #1 of 2']);
		expect(kept[3].reasons).toEqual(['pinned: before the 2.42 upgrade']);
		const [listing] = await listSets(root, 'nightly');
		expect(listing.runs!.find((r) => r.run === '2026-01-02T02-00-00.000Z')).toMatchObject({ pinned: 'before the 2.42 upgrade' });

		const unpinned = await unpinRun(runs[1]);
		expect(unpinned).toMatchObject({ pinned: false, changed: true });
		expect(await unpinRun(runs[1])).toMatchObject({ changed: false });
		await pruneSets({ root, setName: 'nightly', policy: { keepLast: 2 } });
		expect(existsSync(runs[1])).toBe(false);
	});

	it('a damaged pin file still keeps its run; a pin reason of several lines is refused', async () => {
		const root = tmp.path();
		const runs = writeNightlySets(root, 'nightly', '2026-01-01', 3);
		writeFileSync(join(runs[0], 'pin.json'), '{ not json');
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepLast: 1 } });
		expect(existsSync(runs[0])).toBe(true);
		expect(result.sets[2].reasons).toEqual([expect.stringMatching(/^pinned: unreadable pin\.json/)]);
		await expect(pinRun(runs[1], 'one\ntwo')).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'pinReason' } });
	});

	it('a pin waits for no one: it is refused with BACKUP_LOCKED while a prune or backup holds the set', async () => {
		const root = tmp.path();
		const [run] = writeNightlySets(root, 'nightly', '2026-01-01', 1);
		const { acquireSetLock } = await import('../../../core/storage/setLock');
		const lock = await acquireSetLock(join(root, 'nightly'));
		try {
			await expect(pinRun(run, 'x')).rejects.toMatchObject({ code: 'BACKUP_LOCKED' });
			expect(existsSync(join(run, 'pin.json'))).toBe(false);
		} finally {
			await lock.release();
		}
	});
});

describe('pins and drill history in a bucket', () => {
	const bucket = useTestBucket();

	it('a drill verdict and a pin are written into the run prefix; retention keeps the pinned run and deletes the others with their drills', async () => {
		const root = bucket.place('pins');
		for (let i = 0; i < 3; i++) await writeOneArtifactSet(root, 'n8n-config', `night ${i}`);
		const [listing] = await listSets(root, 'n8n-config');
		const [newest, middle, oldest] = listing.runs!;
		// A files set with no inventory record fails its drill: the verdict is kept all the same.
		const verdict = await runRestoreDrill({ setPath: childPlace(root, `n8n-config/${oldest.run}`) });
		expect(verdict.verdict).toBe('fail');
		await runRestoreDrill({ setPath: childPlace(root, `n8n-config/${middle.run}`) });
		const drillKeys = await bucket.keys(`pins/n8n-config/${oldest.run}/drills/`);
		expect(drillKeys).toEqual([expect.stringMatching(/drills\/\d{4}-.*Z-[0-9a-f]{6}\.json$/)]);
		expect(JSON.parse((await bucket.get(drillKeys[0])).toString())).toMatchObject({ verdict: 'fail' });
		await pinRun(childPlace(root, `n8n-config/${oldest.run}`), 'audit');
		expect(await bucket.keys(`pins/n8n-config/${oldest.run}/pin.json`)).toHaveLength(1);

		const relisted = (await listSets(root, 'n8n-config'))[0];
		expect(relisted.runs!.find((r) => r.run === oldest.run)).toMatchObject({ pinned: 'audit', lastDrill: { verdict: 'fail' } });

		const result = await pruneSets({ root, setName: 'n8n-config', policy: { keepLast: 1 } });
		expect(result.sets.find((s) => s.run === oldest.run)).toMatchObject({ action: 'kept', reasons: ['pinned: audit'] });
		expect(result.sets.find((s) => s.run === middle.run)).toMatchObject({ action: 'deleted' });
		expect(result.warnings).toEqual([]);
		const left = await bucket.keys('pins/n8n-config/');
		expect(left.some((k) => k.includes(middle.run))).toBe(false);
		expect(left.filter((k) => k.includes(oldest.run)).length).toBe(4);
		expect(left.some((k) => k.includes(newest.run))).toBe(true);
	});
});
