import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Everything in a set folder except nothing: a failed run must leave it empty (no run folder, no lock, no temp file). */
export function setFolderEntries(root: string, setName: string): string[] {
	const dir = join(root, setName);
	return existsSync(dir) ? readdirSync(dir) : [];
}
