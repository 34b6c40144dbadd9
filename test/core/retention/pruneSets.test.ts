import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pruneSets } from '../../../core';
import { writeNightlySets, writeSyntheticSet } from '../../support/syntheticSets';
import { useTempDir } from '../../support/tempDir';

const runs = (root: string, set = 'nightly') =>
	readdirSync(join(root, set))
		.filter((n) => /^\d{4}-/.test(n))
		.sort();

describe('pruning a set folder on disk', () => {
	const tmp = useTempDir();

	it('deletes what the policy does not keep, and reports every set with its verdict and reasons', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 10);
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepDaily: 3 } });
		expect(runs(root)).toEqual(['2026-01-08T02-00-00.000Z', '2026-01-09T02-00-00.000Z', '2026-01-10T02-00-00.000Z']);
		expect(result).toMatchObject({ kept: 3, deleted: 7, dryRun: false, policy: 'keep-daily 3', timeZone: 'UTC' });
		expect(result.sets[0]).toMatchObject({
			run: '2026-01-10T02-00-00.000Z',
			action: 'kept',
			reasons: expect.arrayContaining(['keep-daily: 2026-01-10']),
		});
		expect(result.sets[9]).toMatchObject({ run: '2026-01-01T02-00-00.000Z', action: 'deleted', reasons: ['matches no keep rule'] });
		expect(result.freedBytes).toBeGreaterThan(0);
		expect(existsSync(join(root, 'nightly', '.lock'))).toBe(false);
	});

	it('dry run deletes nothing and says what it would delete', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 5);
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepLast: 2 }, dryRun: true });
		expect(runs(root)).toHaveLength(5);
		expect(result.sets.map((s) => s.action)).toEqual(['kept', 'kept', 'would delete', 'would delete', 'would delete']);
	});

	it('never touches files and folders that are not ours', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 4);
		mkdirSync(join(root, 'nightly', 'my-notes'));
		writeFileSync(join(root, 'nightly', 'README.txt'), 'mine');
		mkdirSync(join(root, 'nightly', '2025-01-01T00-00-00.000Z', 'sub'), { recursive: true }); // our name, but an incomplete folder with a subfolder
		const foreign = writeSyntheticSet(root, 'nightly', new Date('2025-06-01T02:00:00Z'), { manifestSet: 'other-set' });
		const withExtra = join(root, 'nightly', '2026-01-01T02-00-00.000Z');
		writeFileSync(join(withExtra, 'keep-me.txt'), 'a file the user put here');

		const result = await pruneSets({ root, setName: 'nightly', policy: { keepLast: 1 }, now: new Date('2026-02-01T00:00:00Z') });
		expect(existsSync(join(root, 'nightly', 'my-notes'))).toBe(true);
		expect(existsSync(join(root, 'nightly', 'README.txt'))).toBe(true);
		expect(existsSync(join(root, 'nightly', '2025-01-01T00-00-00.000Z', 'sub'))).toBe(true);
		expect(readdirSync(foreign).sort()).toEqual(['manifest.json', 'n8n.sql']);
		expect(readdirSync(withExtra)).toEqual(['keep-me.txt']);
		expect(result.ignored).toEqual(
			expect.arrayContaining([
				{ name: 'my-notes', why: 'not a run folder name' },
				{ name: 'README.txt', why: 'not a run folder name' },
				{ name: '2025-06-01T02-00-00.000Z', why: 'its manifest belongs to set "other-set"' },
			]),
		);
		expect(result.warnings.join('\n')).toMatch(/keep-me\.txt \(not ours\)/);
	});

	it('never follows a symlink out of the root: a symlinked run folder is ignored, a symlinked set folder refused', async () => {
		const root = join(tmp.path(), 'root');
		const outside = join(tmp.path(), 'outside');
		const victim = writeSyntheticSet(outside, 'nightly', new Date('2025-01-01T02:00:00Z'));
		writeNightlySets(root, 'nightly', '2026-01-01', 3);
		symlinkSync(victim, join(root, 'nightly', '2025-01-01T02-00-00.000Z'));
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepLast: 1 } });
		expect(readdirSync(victim).sort()).toEqual(['manifest.json', 'n8n.sql']);
		expect(result.ignored).toContainEqual({ name: '2025-01-01T02-00-00.000Z', why: 'a symlink' });

		const linkedRoot = join(tmp.path(), 'linked-root');
		mkdirSync(linkedRoot);
		symlinkSync(join(outside, 'nightly'), join(linkedRoot, 'nightly'));
		await expect(pruneSets({ root: linkedRoot, setName: 'nightly', policy: { keepLast: 1 } })).rejects.toMatchObject({
			code: 'PRUNE_REFUSED',
		});
		expect(readdirSync(victim).sort()).toEqual(['manifest.json', 'n8n.sql']);
	});

	it('never deletes a symlink planted inside a run folder, nor what it points at', async () => {
		const root = join(tmp.path(), 'root');
		const outside = tmp.path();
		writeFileSync(join(outside, 'precious'), 'x');
		const [old] = writeNightlySets(root, 'nightly', '2026-01-01', 2);
		symlinkSync(join(outside, 'precious'), join(old, 'n8n.sql.link'));
		await pruneSets({ root, setName: 'nightly', policy: { keepLast: 1 } });
		expect(existsSync(join(outside, 'precious'))).toBe(true);
		expect(readdirSync(old)).toEqual(['n8n.sql.link']);
	});

	it('always keeps the newest complete set, even when a newer crashed run exists', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 3);
		writeSyntheticSet(root, 'nightly', new Date('2026-01-04T02:00:00Z'), { complete: false });
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepWithin: '1h' }, now: new Date('2026-01-04T03:00:00Z') });
		expect(runs(root)).toEqual(['2026-01-03T02-00-00.000Z', '2026-01-04T02-00-00.000Z']);
		expect(result.sets[0].reasons[0]).toBe('newest complete set (always kept)');
	});

	it('refuses an empty policy before touching anything', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 3);
		await expect(pruneSets({ root, setName: 'nightly', policy: {} })).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			hint: expect.stringMatching(/keep 7 daily sets/),
			details: { field: 'keepDaily' },
		});
		expect(runs(root)).toHaveLength(3);
	});

	it('never deletes every set: with only old sets, the newest one stays', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2020-01-01', 5);
		await pruneSets({ root, setName: 'nightly', policy: { keepWithin: '1d' }, now: new Date('2026-01-01T00:00:00Z') });
		expect(runs(root)).toEqual(['2020-01-04T02-00-00.000Z', '2020-01-05T02-00-00.000Z']);
	});

	it('removes incomplete sets only after the grace period, and reports them apart', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 2);
		const young = writeSyntheticSet(root, 'nightly', new Date('2026-01-02T20:00:00Z'), { complete: false });
		const old = writeSyntheticSet(root, 'nightly', new Date('2026-01-01T12:00:00Z'), { complete: false });
		writeFileSync(join(old, '.n8n.sql.0badc0de.tmp'), 'half a dump');
		const result = await pruneSets({ root, setName: 'nightly', policy: { keepDaily: 7 }, now: new Date('2026-01-03T12:00:00Z') });
		expect(existsSync(young)).toBe(true);
		expect(existsSync(old)).toBe(false);
		expect(result.incomplete.map((s) => [s.run, s.action])).toEqual([
			['2026-01-02T20-00-00.000Z', 'kept'],
			['2026-01-01T12-00-00.000Z', 'deleted'],
		]);
		expect(result.sets).toHaveLength(2);
	});

	it('counts only sets of the given set name and root: another set name is never pruned', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 3);
		writeNightlySets(root, 'weekly', '2025-01-01', 3);
		await pruneSets({ root, setName: 'nightly', policy: { keepLast: 1 } });
		expect(runs(root, 'weekly')).toHaveLength(3);
	});

	it('fails with SET_NOT_FOUND and a hint for a set that does not exist', async () => {
		await expect(pruneSets({ root: tmp.path(), setName: 'nope', policy: { keepLast: 1 } })).rejects.toMatchObject({
			code: 'SET_NOT_FOUND',
			hint: expect.stringMatching(/listing the backup root shows its sets/),
			details: { field: 'root', fields: ['root', 'setName'] },
		});
	});

	it('does not run while a backup of the same set holds the lock', async () => {
		const root = tmp.path();
		writeNightlySets(root, 'nightly', '2026-01-01', 3);
		const { acquireSetLock } = await import('../../../core/storage/setLock');
		const lock = await acquireSetLock(join(root, 'nightly'));
		try {
			await expect(pruneSets({ root, setName: 'nightly', policy: { keepLast: 1 } })).rejects.toMatchObject({ code: 'BACKUP_LOCKED' });
			expect(runs(root)).toHaveLength(3);
		} finally {
			await lock.release();
		}
	});
});
