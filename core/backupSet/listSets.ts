import { StackBackupError } from '../errors/StackBackupError';
import { scanSetFolder } from './scanSetFolder';
import { combineDrills, summarizeDrills, summarizeSetDrills, type DrillSummary, type SetDrillSummary } from './drillHistory';
import { readPin } from './runPin';
import { validateSetName } from './setName';
import { aboutFields } from '../options/optionFields';
import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';

export interface RunListing {
	run: string;
	path: string;
	startedAt: string;
	kinds: string[];
	bytes: number;
	warnings: number;
	/** The pin's reason, or null: a pinned run is never deleted by retention. */
	pinned: string | null;
	/** The newest drill of this run, and when it last passed. */
	lastDrill: DrillSummary['last'];
	lastPassingDrillAt: string | null;
}

export interface SetListing {
	set: string;
	path: string;
	complete: number;
	incomplete: number;
	newest: string | null;
	bytes: number;
	/** The newest drill verdict among the set's recent runs, and its newest pass. */
	lastDrill: SetDrillSummary['last'];
	lastPassingDrill: SetDrillSummary['lastPass'];
	/** Newest first; only when one set was asked for. */
	runs?: RunListing[];
}

async function listOne(root: Place, setName: string, withRuns: boolean): Promise<SetListing> {
	const set = childPlace(root, setName);
	const states = await scanSetFolder(set, setName);
	// Only complete sets are listed: a crashed run is counted, never offered as a backup.
	const complete = states.flatMap((s) => (s.state === 'complete' ? [s] : [])).sort((a, b) => b.time.getTime() - a.time.getTime());
	const runs: RunListing[] = [];
	for (const s of complete) {
		const m = s.manifest;
		// Pins and drills cost a read each: only a listing of one set's runs shows them.
		const drills = withRuns ? await summarizeDrills(s.place) : { last: null, lastPassAt: null };
		runs.push({
			run: s.name,
			path: s.dir,
			startedAt: s.time.toISOString(),
			kinds: [...new Set(m.artifacts.map((a) => a.kind))],
			bytes: m.artifacts.reduce((n, a) => n + a.size, 0),
			warnings: m.warnings?.length ?? 0,
			pinned: withRuns ? ((await readPin(s.place))?.reason ?? null) : null,
			lastDrill: drills.last,
			lastPassingDrillAt: drills.lastPassAt,
		});
	}
	// A listing of the runs has read each run's drills already; a listing of sets reads the recent ones.
	const setDrills = withRuns
		? combineDrills(runs.map((r) => ({ run: r.run, drills: { last: r.lastDrill, lastPassAt: r.lastPassingDrillAt } })))
		: await summarizeSetDrills(complete);
	return {
		set: setName,
		path: showPlace(set),
		complete: runs.length,
		incomplete: states.filter((s) => s.state === 'incomplete').length,
		newest: runs[0]?.startedAt ?? null,
		bytes: runs.reduce((n, r) => n + r.bytes, 0),
		lastDrill: setDrills.last,
		lastPassingDrill: setDrills.lastPass,
		runs: withRuns ? runs : undefined,
	};
}

/** The sets under a backup root (or one set with its runs), read from folders and manifests only. */
export async function listSets(rootLocation: Location, setName?: string): Promise<SetListing[]> {
	const root = openPlace(rootLocation, 'root');
	const shown = showPlace(root);
	// A bucket has no folder to check: a missing bucket fails the listing with S3_BUCKET_NOT_FOUND.
	if (root.storage.kind === 'local' && (await root.storage.stat(root.key))?.kind !== 'folder')
		throw new StackBackupError('SET_NOT_FOUND', `The backup root ${shown} is not a folder`, {
			hint: 'Give the folder the backups were written to.',
			details: aboutFields('root'),
		});
	if (setName) {
		validateSetName(setName);
		const set = childPlace(root, setName);
		if ((await set.storage.stat(set.key))?.kind !== 'folder')
			throw new StackBackupError('SET_NOT_FOUND', `There is no set "${setName}" under ${shown}`, {
				hint: 'Leave the set name out to see the sets there.',
				details: aboutFields('setName'),
			});
		return [await listOne(root, setName, true)];
	}
	const out: SetListing[] = [];
	for (const entry of (await root.storage.list(root.key)).sort((a, b) => a.name.localeCompare(b.name))) {
		if (entry.kind !== 'folder') continue;
		const listing = await listOne(root, entry.name, false).catch(() => null);
		if (listing && listing.complete + listing.incomplete > 0) out.push(listing);
	}
	return out;
}
