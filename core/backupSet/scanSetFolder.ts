import { LOCK_FILE } from '../storage/setLock';
import { childPlace, showPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { MANIFEST_FILE, readManifest, type Manifest } from './manifest';
import { parseRunFolderName } from './runFolderName';

export type RunFolderState =
	| { state: 'complete'; name: string; dir: string; place: Place; time: Date; manifest: Manifest }
	| { state: 'incomplete'; name: string; dir: string; place: Place; time: Date }
	| { state: 'foreign'; name: string; why: string };

// The lock, and the probe a bucket lock writes for a moment: ours, and never a run.
const isLockObject = (name: string) => name === LOCK_FILE || name.startsWith(`${LOCK_FILE}-probe-`);

/**
 * Sorts every entry of a set folder into complete sets (a real folder with
 * one of our names and a valid manifest for this set), incomplete ones (our
 * name, no manifest at all: a crashed run) and everything else, which is not
 * ours and must never be touched. Symlinks are never followed.
 */
export async function scanSetFolder(set: Place, setName: string): Promise<RunFolderState[]> {
	const states: RunFolderState[] = [];
	for (const entry of await set.storage.list(set.key)) {
		const name = entry.name;
		if (isLockObject(name)) continue;
		const time = parseRunFolderName(name);
		if (!time) {
			states.push({ state: 'foreign', name, why: 'not a run folder name' });
			continue;
		}
		if (entry.kind !== 'folder') {
			states.push({ state: 'foreign', name, why: entry.kind === 'other' ? 'a symlink' : 'not a folder' });
			continue;
		}
		const place = childPlace(set, name);
		const dir = showPlace(place);
		const manifestEntry = await set.storage.stat(childPlace(place, MANIFEST_FILE).key);
		if (!manifestEntry) {
			states.push({ state: 'incomplete', name, dir, place, time });
			continue;
		}
		try {
			const manifest = await readManifest(place);
			if (manifestEntry.kind !== 'file') states.push({ state: 'foreign', name, why: 'its manifest is not a regular file' });
			else if (manifest.set !== setName) states.push({ state: 'foreign', name, why: `its manifest belongs to set "${manifest.set}"` });
			else states.push({ state: 'complete', name, dir, place, time, manifest });
		} catch {
			states.push({ state: 'foreign', name, why: 'its manifest.json is not one of ours' });
		}
	}
	return states;
}
