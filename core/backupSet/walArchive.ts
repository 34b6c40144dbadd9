import { randomBytes } from 'node:crypto';
import { childPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { TOOL_NAME, TOOL_VERSION, type ArtifactRecord } from './manifest';
import { parseRunFolderName, runFolderName } from './runFolderName';
import { formatLsn, parseLsn, segmentName, segmentNumber, timelineFolderName } from './walPosition';

/**
 * Collected WAL lives beside a set's run folders: `<set>/wal/<timeline>/<segment>.zst` and
 * `<set>/wal/batches/<time>-<hex>.json`. A segment counts only once a batch record names it
 * with its sha256: the record is written last, so a cut-short collection adds nothing.
 */
export const WAL_FOLDER = 'wal';
export const WAL_BATCHES_FOLDER = 'batches';
export const WAL_BATCH_FORMAT = 'n8n-stack-backup/wal-batch';
/** A partial segment's stored name carries its batch, so a newer one never overwrites what an older record names. */
export const PARTIAL_MARK = '.partial-';

const BATCH_FILE = /^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z)-[0-9a-f]{6}\.json$/;
const READ_CONCURRENCY = 16;

export interface WalFileRecord extends ArtifactRecord {
	/** The WAL file's own name, as Postgres asks for it: a segment, or a timeline's history file. */
	name: string;
	timeline: number;
	/** A segment still being written when collected: it holds WAL up to endLsn only. */
	partial: boolean;
	endLsn?: string;
}

export interface WalBatch {
	format: typeof WAL_BATCH_FORMAT;
	formatVersion: 1;
	set: string;
	/** When the server's WAL position was read: every commit before this time is at or before `lsn`. */
	collectedAt: string;
	timeline: number;
	/** Where collection stopped (pg_receivewal --endpos). */
	lsn: string;
	systemIdentifier: string;
	serverVersion: string;
	walSegmentSize: number;
	slot: string;
	files: WalFileRecord[];
	/** n8n's workflows at `collectedAt` (id -> sha256 of the row), for the drill to compare; null on a database that is not n8n's. */
	workflows: Record<string, string> | null;
	tool: string;
}

export function walFolder(set: Place): Place {
	return childPlace(set, WAL_FOLDER);
}

export function walTimelineFolder(set: Place, timeline: number): Place {
	return childPlace(set, WAL_FOLDER, timelineFolderName(timeline));
}

export function walBatchesFolder(set: Place): Place {
	return childPlace(set, WAL_FOLDER, WAL_BATCHES_FOLDER);
}

export function newBatchFileName(at: Date): string {
	return `${runFolderName(at)}-${randomBytes(3).toString('hex')}.json`;
}

/** The time a batch file's name carries, or null when the name is not one of ours. */
export function batchFileTime(name: string): Date | null {
	const m = BATCH_FILE.exec(name);
	return m ? parseRunFolderName(m[1]) : null;
}

export function describeBatch(batch: Omit<WalBatch, 'format' | 'formatVersion' | 'tool'>): WalBatch {
	return { format: WAL_BATCH_FORMAT, formatVersion: 1, ...batch, tool: `${TOOL_NAME} ${TOOL_VERSION}` };
}

/** The batch files of a set, oldest first, with the times their names carry. */
export async function listBatchFiles(set: Place): Promise<Array<{ name: string; at: Date }>> {
	const folder = walBatchesFolder(set);
	return (await folder.storage.list(folder.key))
		.filter((e) => e.kind === 'file')
		.map((e) => ({ name: e.name, at: batchFileTime(e.name) }))
		.filter((b): b is { name: string; at: Date } => b.at !== null)
		.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** A batch record; null when it is missing or unreadable (a damaged record names no WAL). */
export async function readBatch(set: Place, name: string): Promise<WalBatch | null> {
	const file = childPlace(walBatchesFolder(set), name);
	try {
		const batch = JSON.parse((await file.storage.readText(file.key)) ?? 'null') as WalBatch | null;
		return batch?.format === WAL_BATCH_FORMAT && Array.isArray(batch.files) ? batch : null;
	} catch {
		return null;
	}
}

/** The readable batches collected at or after `since` (all when absent), oldest first, read side by side. */
export async function readBatches(set: Place, since?: Date): Promise<WalBatch[]> {
	const names = (await listBatchFiles(set)).filter((b) => !since || b.at.getTime() >= since.getTime());
	const batches: Array<WalBatch | null> = new Array(names.length).fill(null);
	let next = 0;
	const worker = async () => {
		while (next < names.length) {
			const i = next++;
			batches[i] = await readBatch(set, names[i].name);
		}
	};
	await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
	return batches.filter((b): b is WalBatch => b !== null);
}

/** How far WAL reaches from a base backup's start, without a hole. */
export interface WalReach {
	/** The files to stage, in order: whole segments, and at most one partial segment last. */
	files: WalFileRecord[];
	/** History files of timelines up to the base backup's. */
	histories: WalFileRecord[];
	/** The last WAL position the files hold. */
	endLsn: bigint;
	/** The newest time a recovery can reach: the newest batch whose position lies within reach. */
	endTime: Date | null;
	/** The first missing segment, when a batch collected WAL past it (a hole, not the end). */
	gapAt: string | null;
	/** The batch whose time is endTime: its workflows are what a recovery to the end must show. */
	lastBatch: WalBatch | null;
}

/** A stretch of WAL on one timeline: up to `until` (where the next timeline branched off), or to the end. */
export interface TimelineStep {
	timeline: number;
	until: bigint | null;
}

/**
 * The timelines from a base backup's to the newest, from the newest timeline's history file
 * ("<parent>\t<switch LSN>\t<reason>" per ancestor, oldest first); null when the base
 * backup's timeline is not among its ancestors (it is on another branch).
 */
export function timelineChain(baseTimeline: number, newest: number, historyText: string): TimelineStep[] | null {
	const ancestors = historyText
		.split('\n')
		.map((line) => line.trim().split(/\s+/))
		.filter((f) => /^\d+$/.test(f[0] ?? '') && /^[0-9A-F]+\/[0-9A-F]+$/i.test(f[1] ?? ''))
		.map((f) => ({ timeline: Number(f[0]), until: parseLsn(f[1]) as bigint | null }));
	const steps: TimelineStep[] = [...ancestors, { timeline: newest, until: null }];
	const from = steps.findIndex((step) => step.timeline === baseTimeline);
	return from < 0 ? null : steps.slice(from);
}

/**
 * Walks the segments from `startLsn` on, along the timelines of `chain` (by default the base
 * backup's own), through the batches' records (a complete segment wins over a partial one; the
 * newest partial wins over older ones), and stops at the first segment no batch holds whole.
 * A segment that holds a switch to the next timeline is read from the next timeline, as
 * Postgres does; batches on an abandoned branch past its switch point count for nothing.
 */
export function walReach(
	allBatches: readonly WalBatch[],
	from: { timeline: number; startLsn: bigint; segmentSize: number; systemIdentifier: string },
	/** Whether a recorded file is still in the root: one removed since (by hand, by a lifecycle rule) is a hole too. */
	present: (file: WalFileRecord) => boolean = () => true,
	chain: readonly TimelineStep[] = [{ timeline: from.timeline, until: null }],
): WalReach {
	// Only the base backup's own cluster: a set that was pointed at another server holds WAL that is not this one's.
	const batches = allBatches.filter((b) => b.systemIdentifier === from.systemIdentifier);
	const size = BigInt(from.segmentSize);
	const lastTimeline = chain[chain.length - 1].timeline;
	const whole = new Map<string, WalFileRecord>();
	const partial = new Map<string, WalFileRecord>();
	const histories = new Map<string, WalFileRecord>();
	for (const batch of batches) {
		for (const file of batch.files) {
			if (!present(file)) continue;
			if (file.name.endsWith('.history')) {
				if (file.timeline <= lastTimeline) histories.set(file.name, file);
			} else if (file.partial) partial.set(file.name, file);
			else whole.set(file.name, file);
		}
	}
	const stepOf = (segno: bigint) => chain.find((step) => step.until === null || segno < segmentNumber(step.until, from.segmentSize))!;
	const files: WalFileRecord[] = [];
	let segno = segmentNumber(from.startLsn, from.segmentSize);
	let endLsn = from.startLsn;
	let gapAt: string | null = null;
	for (;;) {
		const timeline = stepOf(segno).timeline;
		const name = segmentName(timeline, segno, from.segmentSize);
		const complete = whole.get(name);
		if (complete) {
			files.push(complete);
			segno++;
			endLsn = segno * size;
			continue;
		}
		const open = partial.get(name);
		if (open?.endLsn) {
			files.push(open);
			endLsn = parseLsn(open.endLsn);
		} else {
			const missingStart = segno * size;
			if (batches.some((b) => b.timeline === timeline && parseLsn(b.lsn) > missingStart)) gapAt = name;
		}
		break;
	}
	const onChain = (batch: WalBatch) => {
		const step = chain.find((s) => s.timeline === batch.timeline);
		return Boolean(step) && (step!.until === null || parseLsn(batch.lsn) <= step!.until);
	};
	let lastBatch: WalBatch | null = null;
	for (const batch of batches) {
		const lsn = parseLsn(batch.lsn);
		if (onChain(batch) && lsn <= endLsn && lsn >= from.startLsn) lastBatch = batch;
	}
	return {
		files,
		histories: [...histories.values()],
		endLsn,
		endTime: lastBatch ? new Date(lastBatch.collectedAt) : null,
		gapAt,
		lastBatch,
	};
}

export { formatLsn };

/** The stored WAL file names of a set, per timeline folder, for walReach's `present`. */
export async function storedWalFiles(set: Place, timelines: Iterable<number>): Promise<(file: WalFileRecord) => boolean> {
	const names = new Set<string>();
	for (const timeline of new Set(timelines)) {
		const folder = walTimelineFolder(set, timeline);
		for (const entry of await folder.storage.list(folder.key)) if (entry.kind === 'file') names.add(`${timeline}/${entry.name}`);
	}
	return (file) => names.has(`${file.timeline}/${file.file}`);
}
