import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE } from '../storage/setLock';
import { MANIFEST_FILE, readManifest, type Manifest } from './manifest';
import { parseRunFolderName } from './runFolderName';

export type RunFolderState =
	| { state: 'complete'; name: string; dir: string; time: Date; manifest: Manifest }
	| { state: 'incomplete'; name: string; dir: string; time: Date }
	| { state: 'foreign'; name: string; why: string };

/**
 * Sorts every entry of a set folder into complete sets (a real folder with
 * one of our names and a valid manifest for this set), incomplete ones (our
 * name, no manifest at all: a crashed run) and everything else, which is not
 * ours and must never be touched. Symlinks are never followed.
 */
export async function scanSetFolder(setDir: string, setName: string): Promise<RunFolderState[]> {
	const states: RunFolderState[] = [];
	for (const entry of await fs.readdir(setDir, { withFileTypes: true })) {
		const name = entry.name;
		if (name === LOCK_FILE) continue;
		const time = parseRunFolderName(name);
		if (!time) {
			states.push({ state: 'foreign', name, why: 'not a run folder name' });
			continue;
		}
		if (entry.isSymbolicLink() || !entry.isDirectory()) {
			states.push({ state: 'foreign', name, why: entry.isSymbolicLink() ? 'a symlink' : 'not a folder' });
			continue;
		}
		const dir = join(setDir, name);
		const manifestStat = await fs.lstat(join(dir, MANIFEST_FILE)).catch(() => null);
		if (!manifestStat) {
			states.push({ state: 'incomplete', name, dir, time });
			continue;
		}
		try {
			const manifest = await readManifest(dir);
			if (!manifestStat.isFile()) states.push({ state: 'foreign', name, why: 'its manifest is not a regular file' });
			else if (manifest.set !== setName) states.push({ state: 'foreign', name, why: `its manifest belongs to set "${manifest.set}"` });
			else states.push({ state: 'complete', name, dir, time, manifest });
		} catch {
			states.push({ state: 'foreign', name, why: 'its manifest.json is not one of ours' });
		}
	}
	return states;
}
