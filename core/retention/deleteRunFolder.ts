import { MANIFEST_FILE, type Manifest } from '../backupSet/manifest';
import { childPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';

// Names this tool writes into a run folder: temp files (".name.hex.tmp"), and artifacts.
const TEMP_FILE = /^\.[A-Za-z0-9][A-Za-z0-9._-]*\.[0-9a-f]{8}\.tmp$/;
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function removeIfRegularFile(place: Place): Promise<boolean> {
	if ((await place.storage.stat(place.key))?.kind !== 'file') return false;
	await place.storage.remove(place.key);
	return true;
}

/**
 * Deletes one run folder's files, and the folder once it is empty. A
 * complete set loses its manifest first, so a deletion cut short leaves an
 * incomplete set (never used for a restore), not a damaged complete one.
 * Only regular files we wrote are removed (a complete set's listed
 * artifacts; in a crashed run's folder, which has no list, files with our
 * names): symlinks, subfolders and foreign files stay, and are returned.
 */
export async function deleteRunFolder(run: Place, manifest?: Manifest): Promise<{ removed: boolean; leftBehind: string[] }> {
	if (manifest) {
		await removeIfRegularFile(childPlace(run, MANIFEST_FILE));
		for (const artifact of manifest.artifacts) await removeIfRegularFile(childPlace(run, artifact.file));
	}
	const leftBehind: string[] = [];
	for (const entry of await run.storage.list(run.key)) {
		const ours = entry.kind === 'file' && (TEMP_FILE.test(entry.name) || (!manifest && ARTIFACT_NAME.test(entry.name)));
		if (!ours || !(await removeIfRegularFile(childPlace(run, entry.name)))) leftBehind.push(entry.name);
	}
	if (leftBehind.length) return { removed: false, leftBehind };
	await run.storage.removeEmptyFolder(run.key);
	return { removed: true, leftBehind };
}
