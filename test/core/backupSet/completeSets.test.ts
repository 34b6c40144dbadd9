import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestCompleteSet, listCompleteSets } from '../../../core';
import { MANIFEST_FORMAT } from '../../../core/backupSet/manifest';
import { useTempDir } from '../../support/tempDir';

function runFolder(root: string, name: string, manifest: object | string | null): string {
	const dir = join(root, 's', name);
	mkdirSync(dir, { recursive: true });
	if (manifest !== null) writeFileSync(join(dir, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
	return dir;
}

const manifest = (set = 's') => ({ format: MANIFEST_FORMAT, formatVersion: 1, set, artifacts: [] });

describe('complete sets', () => {
	const tmp = useTempDir();

	it('lists only complete sets of this name, oldest first; the latest skips newer incomplete, foreign and symlinked folders', async () => {
		const root = tmp.path();
		const oldest = runFolder(root, '2026-11-01T02-00-00.000Z', manifest());
		const good = runFolder(root, '2026-11-02T02-00-00.000Z', manifest());
		runFolder(root, '2026-11-03T02-00-00.000Z', null); // crashed run: no manifest
		runFolder(root, '2026-11-04T02-00-00.000Z', '{"format": "n8n-stack'); // truncated manifest
		runFolder(root, '2026-11-05T02-00-00.000Z', manifest('another-set'));
		runFolder(root, 'not-a-run-folder', manifest());
		const elsewhere = runFolder(tmp.path(), '../elsewhere', manifest());
		symlinkSync(elsewhere, join(root, 's', '2026-11-06T02-00-00.000Z'));

		expect((await listCompleteSets(root, 's')).map((s) => s.dir)).toEqual([oldest, good]);
		expect((await latestCompleteSet(root, 's'))?.dir).toBe(good);
		expect(await latestCompleteSet(root, 'missing')).toBeUndefined();
	});
});
