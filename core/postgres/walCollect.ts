import { normalizeEncryption } from '../archive/ageKeys';
import { defaultCompression, type Compression } from '../archive/compression';
import { stallTimeoutMs } from '../backupSet/backupRun';
import type { ArtifactRecord } from '../backupSet/manifest';
import { validateSetName } from '../backupSet/setName';
import { storeArtifact } from '../backupSet/storeArtifact';
import {
	describeBatch,
	listBatchFiles,
	newBatchFileName,
	PARTIAL_MARK,
	readBatch,
	walBatchesFolder,
	walFolder,
	walTimelineFolder,
	type WalBatch,
	type WalFileRecord,
} from '../backupSet/walArchive';
import { isHistoryFileName } from '../backupSet/walPosition';
import { StackBackupError } from '../errors/StackBackupError';
import { silentLogger } from '../logging/Logger';
import { aboutFields } from '../options/optionFields';
import { mapFsError } from '../storage/fsErrors';
import { childPlace, openPlace, showPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { replicationError } from './baseBackup';
import { pgProcessError } from './pgErrors';
import type { PgTransport } from './PgTransport';
import { openTransport, type PostgresBackupOptions } from './postgresBackup';
import type { QuerySession } from './QuerySession';
import {
	advanceSlotSql,
	createSlotSql,
	slotStateSql,
	WAL_MARK_SQL,
	WAL_SERVER_FACTS_SQL,
	type SlotState,
	type WalServerFacts,
} from './walQueries';
import { walSlotName } from './walSlot';
import type { WalSpool } from './walSpool';
import { readWorkflowChecksums } from './workflowChecksums';

export type WalCollectOptions = Omit<PostgresBackupOptions, 'format' | 'compression' | 'maxShrinkPercent' | 'allowShrink' | 'signing'> & {
	/** How each segment is stored (default zstd where it is available). */
	compression?: Compression;
};

export interface WalCollectResult {
	set: string;
	slot: string;
	/** True when this run created the slot: WAL is kept for us from now on. */
	slotCreated: boolean;
	timeline: number;
	/** The WAL position collection reached, and the moment it stands for. */
	lsn: string;
	collectedAt: string;
	segments: number;
	partial: boolean;
	bytesStored: number;
	batch: string;
	/** WAL the server still holds for our slot, in bytes, and its limit in MB (-1: unlimited). */
	slotRetainedBytes: number | null;
	maxSlotWalKeepMb: number;
	warnings: string[];
	durationMs: number;
}

const WAL_FILE = /^[0-9A-F]{24}(\.partial)?$|^[0-9A-F]{8}\.history$/;
// Beyond this share of max_slot_wal_keep_size, the slot is about to be given up by the server.
export const SLOT_RISK_SHARE = 0.8;

/**
 * One round of WAL collection: through our own replication slot, pg_receivewal reads up to the
 * server's position right now and stops; each new segment (and the partial one) is stored under
 * `<set>/wal/<timeline>/` with its sha256, and a batch record, written last, names them with
 * the time and n8n's workflows at that moment. A run that dies leaves its segments in the
 * spool; the next one stores them and goes on from the slot.
 */
export async function collectWal(options: WalCollectOptions): Promise<WalCollectResult> {
	const began = Date.now();
	const log = options.log ?? silentLogger;
	const setName = validateSetName(options.setName);
	const encryption = normalizeEncryption(options.encryption);
	const stallMs = stallTimeoutMs(options);
	const compression = options.compression ?? defaultCompression();
	const root = openPlace(options.root, 'root');
	const set = childPlace(root, setName);
	const transport = await openTransport(options);
	const folders = [set, walFolder(set), walBatchesFolder(set)];
	if (set.storage.kind === 'local') {
		for (const folder of folders)
			await set.storage
				.makeFolder(folder.key)
				.catch((e: unknown) => Promise.reject(mapFsError(e, showPlace(folder), 'creating the WAL folder')));
	}
	const lock = await set.storage.lock(walFolder(set).key, { runId: options.runId, log: (m) => log.warn(m) });
	try {
		const slot = walSlotName(setName);
		const warnings: string[] = [];
		const moment = await readMoment(transport, slot, log, warnings);
		const spool = transport.walSpool(slot);
		await spool.prepare();
		// A partial segment is streamed again from its start anyway (the slot still holds it), and one cut
		// short by a killed run (pg_receivewal pads it to full size as it opens it) would stop pg_receivewal.
		await spool.remove((await spool.list()).filter((n) => n.endsWith('.partial')));
		const previous = await newestBatch(set, moment.server.systemIdentifier);
		await dropRecorded(spool, previous);
		await receiveUpTo(transport, spool, slot, moment.server.currentLsn, stallMs);
		await dropRecorded(spool, previous);
		const batchName = newBatchFileName(moment.collectedAt);
		const stored = await storeSpooled(spool, set, { batchName, endLsn: moment.server.currentLsn, compression, encryption, stallMs, log });
		// History files are fetched again by every run on a later timeline: recorded once, then carried, never rewritten.
		const carried = previous?.files.filter((f) => isHistoryFileName(f.name)) ?? [];
		await lock.assertHeld();
		const batchPlace = childPlace(walBatchesFolder(set), batchName);
		const batch = describeBatch({
			set: setName,
			collectedAt: moment.collectedAt.toISOString(),
			timeline: moment.server.timeline,
			lsn: moment.server.currentLsn,
			systemIdentifier: moment.server.systemIdentifier,
			serverVersion: moment.server.serverVersion,
			walSegmentSize: moment.server.segmentSize,
			slot,
			files: [...carried, ...stored],
			workflows: moment.workflows,
		});
		await batchPlace.storage.writeText(batchPlace.key, `${JSON.stringify(batch, null, 2)}\n`);
		// From here on the batch names them: the spool may let go, and older partial copies are superseded.
		await spool.remove(stored.filter((f) => !f.partial).map((f) => f.name));
		await removeSupersededPartials(set, stored);
		await releaseSlotUpTo(transport, slot, moment.server.currentLsn, log);
		const after = await slotAfter(transport, slot);
		guardSlot(after, moment.server.maxSlotWalKeepMb, warnings);
		for (const warning of warnings) log.warn(warning);
		const segments = stored.filter((f) => !f.partial && !isHistoryFileName(f.name)).length;
		log.info(
			`WAL collected up to ${moment.server.currentLsn} on timeline ${moment.server.timeline}: ${segments} segment(s)${stored.some((f) => f.partial) ? ' and the partial one' : ''}`,
		);
		return {
			set: setName,
			slot,
			slotCreated: moment.slotCreated,
			timeline: moment.server.timeline,
			lsn: moment.server.currentLsn,
			collectedAt: batch.collectedAt,
			segments,
			partial: stored.some((f) => f.partial),
			bytesStored: stored.reduce((sum, f) => sum + f.size, 0),
			batch: showPlace(batchPlace),
			slotRetainedBytes: after?.retainedBytes ?? null,
			maxSlotWalKeepMb: moment.server.maxSlotWalKeepMb,
			warnings,
			durationMs: Date.now() - began,
		};
	} finally {
		await lock.release();
	}
}

interface Moment {
	server: WalServerFacts;
	slotCreated: boolean;
	collectedAt: Date;
	workflows: Record<string, string> | null;
}

/** The server's facts, our slot (made when missing), the WAL position now, and n8n's workflows at it. */
async function readMoment(transport: PgTransport, slot: string, log: { info(m: string): void }, warnings: string[]): Promise<Moment> {
	const session = await transport.openSession();
	try {
		const first = await session.queryJson<WalServerFacts>(WAL_SERVER_FACTS_SQL);
		assertCollectable(first, transport);
		let state = await session.queryJson<SlotState | null>(slotStateSql(slot));
		let slotCreated = false;
		if (!state) {
			await session.queryJson(createSlotSql(slot));
			slotCreated = true;
			log.info(`Created the replication slot ${slot}: Postgres keeps WAL for this set from now on`);
			warnings.push('WAL collection started now: point-in-time recovery reaches back to the first base backup taken from now on.');
			state = await session.queryJson<SlotState | null>(slotStateSql(slot));
		}
		if (state?.walStatus === 'lost') {
			throw new StackBackupError('WAL_GAP', `Postgres gave up WAL that the slot ${slot} held: the WAL since the last collection is gone`, {
				hint: 'Collection stalled past max_slot_wal_keep_size, so the server removed the WAL to protect its disk. Turn WAL collection off and on again (it drops and makes the slot), then take a new base backup: recovery reaches from that backup on.',
				details: { slot },
			});
		}
		// The workflows first, the position after: every change they show is at or before it.
		const workflows = await readWorkflowChecksums(session);
		const server = await session.queryJson<WalServerFacts>(WAL_SERVER_FACTS_SQL);
		const collectedAt = new Date();
		await session.queryJson(WAL_MARK_SQL);
		return { server, slotCreated, collectedAt, workflows };
	} finally {
		await session.close();
	}
}

function assertCollectable(server: WalServerFacts, transport: PgTransport): void {
	const where = transport.errorContext('pg_receivewal').where;
	if (server.inRecovery || !server.currentLsn) {
		throw new StackBackupError('PITR_UNSUPPORTED', `Postgres on ${where} is a standby (in recovery)`, {
			hint: 'Collect WAL from the primary server, the one n8n writes to.',
		});
	}
	if (server.serverVersionNum < 150000) {
		throw new StackBackupError(
			'PITR_UNSUPPORTED',
			`Postgres on ${where} is version ${server.serverVersion}; WAL collection needs 15 or newer`,
			{
				hint: 'From PostgreSQL 15 on, pg_receivewal goes on from the replication slot, so a lost spool never skips WAL. Upgrade Postgres (n8n supports 15, 16 and 17), or keep nightly dumps only.',
			},
		);
	}
	if (server.walLevel === 'minimal') {
		throw new StackBackupError('PITR_UNSUPPORTED', `Postgres on ${where} runs with wal_level = minimal`, {
			hint: 'WAL collection needs wal_level = replica (the default): set it in postgresql.conf and restart Postgres.',
		});
	}
}

/** The set's newest batch, when it was collected from this same cluster. */
async function newestBatch(set: Place, systemIdentifier: string): Promise<WalBatch | null> {
	const newest = (await listBatchFiles(set)).at(-1);
	const batch = newest ? await readBatch(set, newest.name) : null;
	return batch?.systemIdentifier === systemIdentifier ? batch : null;
}

/**
 * Removes from the spool the whole files the newest batch already records: what a run killed
 * between its batch and clearing the spool left there, WAL streamed again from a slot that had
 * not yet moved, and history files fetched again. Storing them anew would record a segment twice
 * and rewrite a file an older record's sha256 names. Older batches cannot name them: every run
 * settles the spool this way before it stores, and moves the slot past what it recorded.
 */
async function dropRecorded(spool: WalSpool, previous: WalBatch | null): Promise<void> {
	if (!previous) return;
	const spooled = new Set(await spool.list());
	await spool.remove(previous.files.filter((f) => !f.partial && spooled.has(f.name)).map((f) => f.name));
}

/** The slot lets go of what this batch recorded; one still held by a closing walsender moves at the next run. */
async function releaseSlotUpTo(transport: PgTransport, slot: string, lsn: string, log: typeof silentLogger): Promise<void> {
	const session = await transport.openSession();
	try {
		if (!(await session.queryJson<boolean>(advanceSlotSql(slot, lsn))))
			log.info(`The replication slot ${slot} already stood at ${lsn} or was busy`);
	} finally {
		await session.close();
	}
}

/** pg_receivewal up to `endLsn`, then it stops by itself; a server that stops sending ends it at the stall timeout. */
async function receiveUpTo(transport: PgTransport, spool: WalSpool, slot: string, endLsn: string, stallMs: number): Promise<void> {
	// --synchronous: the server hears of each flush at once, so the slot lets go of WAL now, not at a later status report.
	const args = ['-D', spool.dir, `--slot=${slot}`, `--endpos=${endLsn}`, '--synchronous', '--no-loop', '--no-password'];
	const proc = await transport.startTool('pg_receivewal', args);
	proc.stdout.resume();
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		proc.abort();
	}, stallMs);
	try {
		const { exitCode, stderr } = await proc.done;
		if (timedOut) {
			throw new StackBackupError(
				'PG_TIMEOUT',
				`pg_receivewal on ${transport.errorContext('pg_receivewal').where} did not reach ${endLsn} in ${stallMs / 1000} s`,
				{
					hint: 'Postgres stopped sending WAL (frozen or overloaded). What was received stays in the spool for the next run; check the server.',
					details: { step: 'pg_receivewal', ...aboutFields('stallTimeoutSeconds') },
				},
			);
		}
		if (exitCode !== 0) throw replicationError(pgProcessError(exitCode, stderr, transport.errorContext('pg_receivewal')), stderr);
	} finally {
		clearTimeout(timer);
	}
}

/** Stores every WAL file in the spool (history files, whole segments, the partial one), each whole or not at all. */
async function storeSpooled(
	spool: WalSpool,
	set: Place,
	run: {
		batchName: string;
		endLsn: string;
		compression: Compression;
		encryption: ReturnType<typeof normalizeEncryption>;
		stallMs: number;
		log: typeof silentLogger;
	},
): Promise<WalFileRecord[]> {
	const names = (await spool.list()).filter((n) => WAL_FILE.test(n)).sort();
	const stored: WalFileRecord[] = [];
	const stamp = run.batchName.replace(/\.json$/, '');
	const madeFolders = new Set<number>();
	for (const name of names) {
		const partial = name.endsWith('.partial');
		const walName = partial ? name.slice(0, -'.partial'.length) : name;
		// Segment and history file names both start with their timeline, in 8 hex digits.
		const timeline = parseInt(walName.slice(0, 8), 16);
		const folder = walTimelineFolder(set, timeline);
		if (set.storage.kind === 'local' && !madeFolders.has(timeline)) await set.storage.makeFolder(folder.key);
		madeFolders.add(timeline);
		const file = await spool.open(name);
		const record: ArtifactRecord = await storeArtifact(
			folder,
			{
				baseName: partial ? `${walName}${PARTIAL_MARK}${stamp}` : walName,
				kind: 'wal',
				format: partial ? 'partial-segment' : isHistoryFileName(walName) ? 'history' : 'segment',
				compression: run.compression,
				source: file.stream,
			},
			{ encryption: run.encryption, stallTimeoutMs: run.stallMs, log: silentLogger },
		);
		await file.done;
		stored.push({ ...record, name: walName, timeline, partial, ...(partial ? { endLsn: run.endLsn } : {}) });
	}
	return stored;
}

/** Partial copies that this batch's records replace (an older partial, or one whose segment is now whole). */
async function removeSupersededPartials(set: Place, stored: readonly WalFileRecord[]): Promise<void> {
	const keep = new Set(stored.filter((f) => f.partial).map((f) => f.file));
	for (const timeline of new Set(stored.map((f) => f.timeline))) {
		const folder = walTimelineFolder(set, timeline);
		for (const entry of await folder.storage.list(folder.key)) {
			if (entry.kind === 'file' && entry.name.includes(PARTIAL_MARK) && !keep.has(entry.name)) {
				await folder.storage.remove(childPlace(folder, entry.name).key);
			}
		}
	}
}

async function slotAfter(transport: PgTransport, slot: string): Promise<SlotState | null> {
	const session: QuerySession = await transport.openSession();
	try {
		return await session.queryJson<SlotState | null>(slotStateSql(slot));
	} finally {
		await session.close();
	}
}

/** Warnings about the slot's hold on the server's disk. */
function guardSlot(state: SlotState | null, maxSlotWalKeepMb: number, warnings: string[]): void {
	if (maxSlotWalKeepMb < 0) {
		warnings.push(
			"max_slot_wal_keep_size is unlimited: if WAL collection stops, Postgres keeps WAL for it until its disk is full. Set a limit (e.g. ALTER SYSTEM SET max_slot_wal_keep_size = '10GB'; SELECT pg_reload_conf();).",
		);
	}
	if (state?.walStatus === 'unreserved')
		warnings.push('The replication slot is past max_slot_wal_keep_size: Postgres may give its WAL up at the next checkpoint.');
}
