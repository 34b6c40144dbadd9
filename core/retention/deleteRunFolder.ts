import { DRILLS_FOLDER, isDrillFileName } from '../backupSet/drillHistory';
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
 * The run's drill verdicts go with it; anything else in drills/ is not ours and stays. A drills
 * entry that is a symlink is never followed (listing it would list wherever it points).
 */
async function removeDrillHistory(run: Place, leftBehind: string[]): Promise<void> {
	const drills = childPlace(run, DRILLS_FOLDER);
	const kind = (await drills.storage.stat(drills.key))?.kind;
	if (kind !== 'folder') {
		if (kind) leftBehind.push(DRILLS_FOLDER);
		return;
	}
	for (const entry of await drills.storage.list(drills.key)) {
		const ours = entry.kind === 'file' && (isDrillFileName(entry.name) || TEMP_FILE.test(entry.name));
		if (!ours || !(await removeIfRegularFile(childPlace(drills, entry.name)))) leftBehind.push(`${DRILLS_FOLDER}/${entry.name}`);
	}
	if (!leftBehind.length) await drills.storage.removeEmptyFolder(drills.key);
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
	await removeDrillHistory(run, leftBehind);
	for (const entry of await run.storage.list(run.key)) {
		if (entry.name === DRILLS_FOLDER) continue; // judged above
		const ours = entry.kind === 'file' && (TEMP_FILE.test(entry.name) || (!manifest && ARTIFACT_NAME.test(entry.name)));
		if (!ours || !(await removeIfRegularFile(childPlace(run, entry.name)))) leftBehind.push(entry.name);
	}
	if (leftBehind.length) return { removed: false, leftBehind };
	await run.storage.removeEmptyFolder(run.key);
	return { removed: true, leftBehind };
}
