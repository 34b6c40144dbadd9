import { validateSetName } from '../backupSet/setName';
import { StackBackupError } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { validateTimeZone } from './calendarPeriod';
import { deleteRunFolder } from './deleteRunFolder';
import { pruneWal, type WalPruneReport } from './pruneWal';
import { WAL_FOLDER } from '../backupSet/walArchive';
import { planRetention, type RetentionDecision } from './planRetention';
import { describePolicy, validatePolicy, type RetentionPolicy } from './retentionPolicy';
import { scanSetFolder, type RunFolderState } from '../backupSet/scanSetFolder';
import { readPin } from '../backupSet/runPin';
import { aboutFields } from '../options/optionFields';
import { optionNumberOr, type NumberRule } from '../options/optionNumber';
import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';

export const DEFAULT_INCOMPLETE_GRACE_HOURS = 24;
// At least an hour: a shorter grace could take the folder of a run that is still writing.
const GRACE_HOURS: NumberRule = { field: 'incompleteGraceHours', what: 'The grace period for incomplete sets, in hours', min: 1 };

export interface PruneOptions {
	/** A folder, or a bucket opened with openPlace. */
	root: Location;
	setName: string;
	policy: RetentionPolicy;
	/** IANA time zone of the calendar rules, as typed (default UTC). */
	timeZone?: string;
	/** Report what would happen; delete nothing. */
	dryRun?: boolean;
	/** Crashed runs' folders younger than this many hours are left alone, as typed (default 24, at least 1). */
	incompleteGraceHours?: number | string;
	now?: Date;
	log?: Logger;
}

export type PruneAction = 'kept' | 'deleted' | 'would delete' | 'partly deleted';

export interface PrunedSetReport {
	run: string;
	path: string;
	startedAt: string;
	complete: boolean;
	verdict: RetentionDecision['verdict'];
	action: PruneAction;
	reasons: string[];
	bytes: number;
}

export interface PruneResult {
	set: string;
	root: string;
	policy: string;
	timeZone: string;
	dryRun: boolean;
	/** Complete sets, newest first. */
	sets: PrunedSetReport[];
	/** Run folders of crashed runs, newest first. */
	incomplete: PrunedSetReport[];
	/** Entries of the set folder that are not ours and were not touched. */
	ignored: Array<{ name: string; why: string }>;
	/** In a bucket: multipart uploads that were never completed, aborted (or to abort) once past the grace period. */
	abortedUploads: Array<{ key: string; startedAt: string }>;
	/** Collected WAL pruned with the base backups that no longer need it. */
	wal: WalPruneReport;
	kept: number;
	deleted: number;
	freedBytes: number;
	warnings: string[];
}

async function setFolderOf(root: Place, setName: string): Promise<Place> {
	const set = childPlace(root, validateSetName(setName));
	const entry = await set.storage.stat(set.key);
	// In a bucket, a set whose only run was killed mid-upload holds no object, only its unfinished upload.
	if (!entry && (await set.storage.unfinishedUploads(set.key)).length > 0) return set;
	if (!entry) {
		throw new StackBackupError('SET_NOT_FOUND', `There is no set "${setName}" under ${showPlace(root)}`, {
			hint: 'Check the backup root and the set name (listing the backup root shows its sets).',
			details: aboutFields('root', 'setName'),
		});
	}
	if (entry.kind !== 'folder') {
		// A symlinked set folder could lead deletions out of the backup root.
		throw new StackBackupError(
			'PRUNE_REFUSED',
			`${showPlace(set)} is ${entry.kind === 'other' ? 'a symlink' : 'not a folder'}: pruning never follows it`,
			{
				hint: 'Point the backup root at the real folder that holds the set.',
			},
		);
	}
	return set;
}

async function folderBytes(state: RunFolderState): Promise<number> {
	if (state.state === 'complete') return state.manifest.artifacts.reduce((sum, a) => sum + a.size, 0);
	if (state.state !== 'incomplete') return 0;
	let bytes = 0;
	for (const entry of await state.place.storage.list(state.place.key).catch(() => [])) {
		if (entry.kind === 'file') bytes += entry.size;
	}
	return bytes;
}

/**
 * Applies a retention policy to one set folder. Only complete sets of this
 * set name are counted and deleted; crashed runs' folders go after a grace
 * period; anything else in the folder is reported and left alone. Runs under
 * the set's lock, so it never races a backup of the same set.
 */
export async function pruneSets(options: PruneOptions): Promise<PruneResult> {
	const root = openPlace(options.root, 'root');
	const log = options.log ?? silentLogger;
	const policy = validatePolicy(options.policy);
	const timeZone = validateTimeZone(options.timeZone?.trim() || 'UTC');
	const incompleteGraceMs = optionNumberOr(options.incompleteGraceHours, GRACE_HOURS, DEFAULT_INCOMPLETE_GRACE_HOURS) * 3_600_000;
	const set = await setFolderOf(root, options.setName);
	const lock = options.dryRun ? undefined : await set.storage.lock(set.key, { log: (m) => log.warn(m) });
	try {
		const states = await scanSetFolder(set, options.setName);
		const byId = new Map(states.filter((s) => s.state !== 'foreign').map((s) => [s.name, s]));
		const pins = await pinReasons(states);
		const plan = planRetention(
			states.flatMap((s) =>
				s.state === 'foreign' ? [] : [{ id: s.name, time: s.time, complete: s.state === 'complete', pinned: pins.get(s.name) }],
			),
			policy,
			{ timeZone, now: options.now, incompleteGraceMs },
		);
		log.info(
			`Retention for "${options.setName}" (${describePolicy(policy)}, ${timeZone}): ${plan.sets.length} complete sets, ${plan.incomplete.length} incomplete`,
		);

		const warnings: string[] = [];
		const apply = async (decision: RetentionDecision): Promise<PrunedSetReport> => {
			const state = byId.get(decision.id) as Exclude<RunFolderState, { state: 'foreign' }>;
			const bytes = await folderBytes(state);
			const report: PrunedSetReport = {
				run: decision.id,
				path: state.dir,
				startedAt: decision.time.toISOString(),
				complete: decision.complete,
				verdict: decision.verdict,
				action: 'kept',
				reasons: decision.reasons,
				bytes,
			};
			if (decision.verdict === 'keep') return report;
			if (options.dryRun) return { ...report, action: 'would delete' };
			const outcome = await deleteRunFolder(state.place, state.state === 'complete' ? state.manifest : undefined);
			if (!outcome.removed) {
				warnings.push(`${state.dir}: deleted our files but kept the folder, which also holds ${outcome.leftBehind.join(', ')} (not ours)`);
			}
			log.info(`Deleted ${decision.complete ? 'set' : 'incomplete set'} ${decision.id} (${decision.reasons.join('; ')})`);
			return { ...report, action: outcome.removed ? 'deleted' : 'partly deleted' };
		};

		// Oldest first: if a deletion fails midway, the newest sets are the ones still there.
		const sets = (await sequential([...plan.sets].reverse(), apply)).reverse();
		const incomplete = (await sequential([...plan.incomplete].reverse(), apply)).reverse();
		// WAL goes with the base backups it belongs to: judged from those kept, after the sets.
		const keptSets = plan.sets
			.filter((d) => d.verdict === 'keep')
			.map((d) => byId.get(d.id))
			.flatMap((s) => (s?.state === 'complete' ? [{ manifest: s.manifest, startedAt: s.time }] : []));
		const wal = await pruneWal(set, keptSets, { dryRun: Boolean(options.dryRun), log });
		const ignored = states.flatMap((s) =>
			s.state === 'foreign' && !(s.name === WAL_FOLDER && s.why === 'not a run folder name') ? [{ name: s.name, why: s.why }] : [],
		);
		const abortedUploads = await abortUnfinishedUploads(set, options.now ?? new Date(), incompleteGraceMs, Boolean(options.dryRun), log);
		for (const w of warnings) log.warn(w);
		const gone = [...sets, ...incomplete].filter(
			(r) => r.action === 'deleted' || r.action === 'partly deleted' || r.action === 'would delete',
		);
		return {
			set: options.setName,
			root: showPlace(root),
			policy: describePolicy(policy),
			timeZone,
			dryRun: Boolean(options.dryRun),
			sets,
			incomplete,
			ignored,
			abortedUploads,
			wal,
			kept: sets.filter((s) => s.verdict === 'keep').length,
			deleted: gone.length,
			freedBytes: gone.reduce((sum, r) => sum + r.bytes, 0) + wal.bytes,
			warnings,
		};
	} finally {
		await lock?.release();
	}
}

/** The pins of the complete runs, read under the set's lock: a pin cannot land between this read and a deletion. */
async function pinReasons(states: readonly RunFolderState[]): Promise<Map<string, string>> {
	const pins = new Map<string, string>();
	for (const state of states) {
		if (state.state !== 'complete') continue;
		const pin = await readPin(state.place);
		if (pin) pins.set(state.name, pin.reason);
	}
	return pins;
}

async function sequential<T, R>(items: T[], each: (item: T) => Promise<R>): Promise<R[]> {
	const out: R[] = [];
	for (const item of items) out.push(await each(item));
	return out;
}

/**
 * A run killed mid-upload leaves a multipart upload that was never completed: invisible in a
 * listing, yet its parts are stored (and billed). Past the grace period they are aborted, like
 * a crashed run's folder; younger ones may belong to a run still writing.
 */
async function abortUnfinishedUploads(set: Place, now: Date, graceMs: number, dryRun: boolean, log: Logger) {
	const aborted: Array<{ key: string; startedAt: string }> = [];
	for (const upload of await set.storage.unfinishedUploads(set.key)) {
		if (now.getTime() - upload.startedAt.getTime() < graceMs) continue;
		if (!dryRun) await set.storage.abortUpload(upload);
		log.info(
			`${dryRun ? 'Would abort' : 'Aborted'} an unfinished upload of ${set.storage.show(upload.key)} started ${upload.startedAt.toISOString()}`,
		);
		aborted.push({ key: set.storage.show(upload.key), startedAt: upload.startedAt.toISOString() });
	}
	return aborted;
}
