import { listCompleteSets, type CompleteSet } from '../backupSet/completeSets';
import {
	readBatches,
	storedWalFiles,
	timelineChain,
	walReach,
	walTimelineFolder,
	type TimelineStep,
	type WalBatch,
	type WalReach,
} from '../backupSet/walArchive';
import { openArtifact } from '../backupSet/openArtifact';
import { readStreamText } from '../archive/readStreamText';
import type { DecryptionKeys } from '../archive/ageKeys';
import { parseLsn, timelineFolderName } from '../backupSet/walPosition';
import { StackBackupError } from '../errors/StackBackupError';
import { childPlace, openPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';

/** Where to recover to: a moment, everything collected, or a base backup's own end. */
export type RecoveryTarget = Date | 'latest' | 'base-end';

/** A base backup's facts, as its manifest records them. */
export interface BaseBackupFacts {
	set: CompleteSet;
	startLsn: bigint;
	endLsn: bigint;
	timeline: number;
	segmentSize: number;
	systemIdentifier: string;
	database: string;
	user: string | null;
	autoConf: string | null;
	/** When the base backup ended: the earliest moment it restores to. */
	endedAt: Date;
}

export interface PitrPlan {
	base: BaseBackupFacts;
	reach: WalReach;
	/** The moment recovery stops at; null for 'latest' and 'base-end'. */
	targetTime: Date | null;
	target: RecoveryTarget;
	/** The range a target may take, from the oldest base backup's end to the newest WAL reachable. */
	range: { from: Date; to: Date };
	setPlace: Place;
}

// Batches a little older than a base backup may still name the segment it starts in.
const BATCH_MARGIN_MS = 15 * 60 * 1000;

export function baseBackupFacts(set: CompleteSet): BaseBackupFacts | null {
	const source = set.manifest.sources.postgres as Record<string, unknown> | undefined;
	if (source?.format !== 'physical') return null;
	return {
		set,
		startLsn: parseLsn(String(source.startLsn)),
		endLsn: parseLsn(String(source.endLsn)),
		timeline: Number(source.timeline),
		segmentSize: Number(source.walSegmentSize),
		systemIdentifier: String(source.systemIdentifier),
		database: String(source.database),
		user: (source.user as string | null) ?? null,
		autoConf: (source.autoConf as string | null) ?? null,
		endedAt: new Date(set.manifest.finishedAt),
	};
}

/**
 * Chooses the base backup and the WAL for a target: the newest base backup that ended at or
 * before it, and the WAL from that backup's start, without a hole, to the target. A target
 * outside what the root holds is refused with the range that is possible; a hole in the WAL
 * is reported as the latest moment reachable, never recovered past in silence.
 */
export async function planPointInTime(
	root: Location,
	setName: string,
	target: RecoveryTarget,
	baseRun?: Place,
	keys?: DecryptionKeys,
): Promise<PitrPlan> {
	const rootPlace = openPlace(root, 'root');
	const setPlace = childPlace(rootPlace, setName);
	const all = (await listCompleteSets(rootPlace, setName)).map(baseBackupFacts).filter((b): b is BaseBackupFacts => b !== null);
	// The cluster of the newest base backup (or of the one asked for): another cluster's backups in the set are not its past.
	const cluster = (baseRun && all.find((b) => b.set.place.key === baseRun.key)) || all.at(-1);
	const bases = all.filter((b) => b.systemIdentifier === cluster?.systemIdentifier);
	if (!bases.length) {
		throw new StackBackupError('SET_NOT_FOUND', `The set "${setName}" holds no base backup`, {
			hint: 'Point-in-time recovery starts from a base backup: take one with Postgres Dump in the Physical (base backup) format, and collect WAL every few minutes.',
			details: { set: setName },
		});
	}
	const chosen =
		(baseRun && bases.find((b) => b.set.place.key === baseRun.key)) ||
		(target instanceof Date ? bases.filter((b) => b.endedAt.getTime() <= target.getTime()).at(-1) : bases.at(-1));
	const batches = await readBatches(setPlace, new Date(Math.min(...bases.map((b) => b.set.startedAt.getTime())) - BATCH_MARGIN_MS));
	const present = await storedWalFiles(
		setPlace,
		batches.flatMap((b) => b.files.map((f) => f.timeline)),
	);
	const newest = bases.at(-1)!;
	// After a point-in-time recovery the cluster writes on a new timeline: recovery follows it there.
	const history = await newestHistory(setPlace, batches, newest.systemIdentifier, keys);
	const chainFor = (base: BaseBackupFacts) => timelinesFrom(base, history);
	const newestReach = walReach(batches, newest, present, chainFor(newest));
	const range = { from: bases[0].endedAt, to: maxDate(newest.endedAt, newestReach.endTime) };
	const say = (d: Date) => d.toISOString();
	if (!chosen) {
		throw new StackBackupError('PITR_OUT_OF_RANGE', `${say(target as Date)} is before the oldest base backup's end (${say(range.from)})`, {
			hint: `Recovery can reach from ${say(range.from)} to ${say(range.to)}. Earlier moments were pruned by retention, or were never backed up.`,
			details: { range: { from: say(range.from), to: say(range.to) } },
		});
	}
	const reach = chosen === newest ? newestReach : walReach(batches, chosen, present, chainFor(chosen));
	const reachable = maxDate(chosen.endedAt, reach.endTime);
	if (target === 'latest' && reach.gapAt) throw walGap(reach, reachable, chosen);
	if (target instanceof Date && target.getTime() > reachable.getTime()) {
		if (reach.gapAt) throw walGap(reach, reachable, chosen);
		throw new StackBackupError('PITR_OUT_OF_RANGE', `${say(target)} is after the newest WAL collected (${say(reachable)})`, {
			hint: `Recovery can reach from ${say(range.from)} to ${say(range.to)}. Collect WAL now for a later moment (if Postgres still runs), or recover to the latest.`,
			details: { range: { from: say(range.from), to: say(range.to) } },
		});
	}
	return { base: chosen, reach, targetTime: target instanceof Date ? target : null, target, range, setPlace };
}

interface NewestHistory {
	timeline: number;
	text: string;
}

/** The newest timeline of the cluster's batches and its history file's text (null on timeline 1, which has none). */
async function newestHistory(
	set: Place,
	batches: readonly WalBatch[],
	systemIdentifier: string,
	keys?: DecryptionKeys,
): Promise<NewestHistory | null> {
	const own = batches.filter((b) => b.systemIdentifier === systemIdentifier);
	const timeline = Math.max(1, ...own.map((b) => b.timeline));
	if (timeline === 1) return null;
	const name = `${timelineFolderName(timeline)}.history`;
	// The newest record: it describes the stored file as it is now.
	const record = own
		.flatMap((b) => b.files)
		.filter((f) => f.name === name)
		.at(-1);
	if (!record) return null;
	const text = await readStreamText(openArtifact({ place: walTimelineFolder(set, timeline), keys, digestsPending: true }, record));
	return { timeline, text };
}

function timelinesFrom(base: BaseBackupFacts, history: NewestHistory | null): TimelineStep[] {
	const own: TimelineStep[] = [{ timeline: base.timeline, until: null }];
	if (!history || history.timeline === base.timeline) return own;
	return timelineChain(base.timeline, history.timeline, history.text) ?? own;
}

function walGap(reach: WalReach, reachable: Date, base: BaseBackupFacts): StackBackupError {
	return new StackBackupError(
		'WAL_GAP',
		`WAL segment ${reach.gapAt} is missing: recovery from the base backup of ${base.set.startedAt.toISOString()} reaches ${reachable.toISOString()} at most`,
		{
			hint: `Recover to ${reachable.toISOString()} or earlier (name that moment as the target), or find the missing segment. Take a new base backup now: recovery reaches on from it.`,
			details: { gapAt: reach.gapAt, latestReachable: reachable.toISOString() },
		},
	);
}

function maxDate(a: Date, b: Date | null): Date {
	return b && b.getTime() > a.getTime() ? b : a;
}
