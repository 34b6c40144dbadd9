import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, type Manifest } from '../backupSet/manifest';

// Names this tool writes into a run folder: temp files (".name.hex.tmp"), and artifacts.
const TEMP_FILE = /^\.[A-Za-z0-9][A-Za-z0-9._-]*\.[0-9a-f]{8}\.tmp$/;
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function unlinkIfRegularFile(path: string): Promise<boolean> {
	const stat = await fs.lstat(path).catch(() => null);
	if (!stat?.isFile()) return false;
	await fs.unlink(path);
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
export async function deleteRunFolder(dir: string, manifest?: Manifest): Promise<{ removed: boolean; leftBehind: string[] }> {
	if (manifest) {
		await unlinkIfRegularFile(join(dir, MANIFEST_FILE));
		for (const artifact of manifest.artifacts) await unlinkIfRegularFile(join(dir, artifact.file));
	}
	const leftBehind: string[] = [];
	for (const name of await fs.readdir(dir)) {
		const ours = TEMP_FILE.test(name) || (!manifest && ARTIFACT_NAME.test(name));
		if (!ours || !(await unlinkIfRegularFile(join(dir, name)))) leftBehind.push(name);
	}
	if (leftBehind.length) return { removed: false, leftBehind };
	await fs.rmdir(dir);
	return { removed: true, leftBehind };
}
