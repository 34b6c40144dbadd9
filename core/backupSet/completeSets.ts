import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readManifest, type Manifest } from './manifest';
import { parseRunFolderName } from './runFolderName';

export interface CompleteSet {
	dir: string;
	startedAt: Date;
	manifest: Manifest;
}

/**
 * The complete sets of one set name, oldest first. A run folder counts only
 * if it is a real folder (not a symlink) with one of our names and a valid
 * manifest for this set name; anything else is ignored, never touched.
 */
export async function listCompleteSets(root: string, setName: string): Promise<CompleteSet[]> {
	const setDir = join(root, setName);
	let entries: string[];
	try {
		entries = await fs.readdir(setDir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
	const sets: CompleteSet[] = [];
	for (const name of entries) {
		const startedAt = parseRunFolderName(name);
		if (!startedAt) continue;
		const dir = join(setDir, name);
		const stat = await fs.lstat(dir);
		if (!stat.isDirectory()) continue;
		try {
			const manifest = await readManifest(dir);
			if (manifest.set === setName) sets.push({ dir, startedAt, manifest });
		} catch {
			// Incomplete or foreign: not a set we may count.
		}
	}
	return sets.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}

export async function latestCompleteSet(root: string, setName: string): Promise<CompleteSet | undefined> {
	const sets = await listCompleteSets(root, setName);
	return sets[sets.length - 1];
}
