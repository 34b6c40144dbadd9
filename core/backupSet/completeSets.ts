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
	const sets: CompleteSet[] = [];
	for (const candidate of await runFolders(root, setName)) {
		const set = await completeSetAt(candidate, setName);
		if (set) sets.push(set);
	}
	return sets.reverse();
}

/** The newest complete set, reading manifests newest first and stopping at the first valid one. */
export async function latestCompleteSet(root: string, setName: string): Promise<CompleteSet | undefined> {
	for (const candidate of await runFolders(root, setName)) {
		const set = await completeSetAt(candidate, setName);
		if (set) return set;
	}
	return undefined;
}

/** Run folders of one set name, newest first (not yet checked for a manifest). */
async function runFolders(root: string, setName: string): Promise<Array<{ dir: string; startedAt: Date }>> {
	const setDir = join(root, setName);
	let entries: string[];
	try {
		entries = await fs.readdir(setDir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
	return entries
		.map((name) => ({ dir: join(setDir, name), startedAt: parseRunFolderName(name) }))
		.filter((c): c is { dir: string; startedAt: Date } => c.startedAt !== null)
		.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}

async function completeSetAt(candidate: { dir: string; startedAt: Date }, setName: string): Promise<CompleteSet | undefined> {
	const stat = await fs.lstat(candidate.dir);
	if (!stat.isDirectory()) return undefined;
	try {
		const manifest = await readManifest(candidate.dir);
		return manifest.set === setName ? { ...candidate, manifest } : undefined;
	} catch {
		// Incomplete or foreign: not a set we may count.
		return undefined;
	}
}
