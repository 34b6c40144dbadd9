import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { readManifest, type Manifest } from './manifest';
import { parseRunFolderName } from './runFolderName';

export interface CompleteSet {
	/** The run folder as a person sees it: a path or s3:// address. */
	dir: string;
	place: Place;
	startedAt: Date;
	manifest: Manifest;
}

/**
 * The complete sets of one set name, oldest first. A run folder counts only
 * if it is a real folder (not a symlink) with one of our names and a valid
 * manifest for this set name; anything else is ignored, never touched.
 */
export async function listCompleteSets(root: Location, setName: string): Promise<CompleteSet[]> {
	const sets: CompleteSet[] = [];
	for (const candidate of await runFolders(openPlace(root, 'root'), setName)) {
		const set = await completeSetAt(candidate, setName);
		if (set) sets.push(set);
	}
	return sets.reverse();
}

/** The newest complete set, reading manifests newest first and stopping at the first valid one. */
export async function latestCompleteSet(root: Location, setName: string): Promise<CompleteSet | undefined> {
	return latestAmong(await runFolders(openPlace(root, 'root'), setName), setName);
}

/** The newest complete set among run folders already listed (newest first), reading manifests until one is valid. */
export async function latestAmong(
	candidates: ReadonlyArray<{ place: Place; startedAt: Date }>,
	setName: string,
): Promise<CompleteSet | undefined> {
	for (const candidate of candidates) {
		const set = await completeSetAt(candidate, setName);
		if (set) return set;
	}
	return undefined;
}

/** Run folders of one set name, newest first (not yet checked for a manifest). */
export async function runFolders(root: Place, setName: string): Promise<Array<{ place: Place; startedAt: Date }>> {
	const set = childPlace(root, setName);
	return (await set.storage.list(set.key))
		.filter((entry) => entry.kind === 'folder')
		.map((entry) => ({ place: childPlace(set, entry.name), startedAt: parseRunFolderName(entry.name) }))
		.filter((c): c is { place: Place; startedAt: Date } => c.startedAt !== null)
		.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}

async function completeSetAt(candidate: { place: Place; startedAt: Date }, setName: string): Promise<CompleteSet | undefined> {
	try {
		const manifest = await readManifest(candidate.place);
		return manifest.set === setName ? { ...candidate, dir: showPlace(candidate.place), manifest } : undefined;
	} catch {
		// Incomplete or foreign: not a set we may count.
		return undefined;
	}
}
