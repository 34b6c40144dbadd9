import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder per test, removed afterwards. */
export function useTempDir(prefix = 'stack-backup-test-'): { path: () => string } {
	let dir = '';
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), prefix));
	});
	afterEach(() => {
		rmSync(dir, { recursive: true, force: true });
	});
	return { path: () => dir };
}
