import { validateSetName } from '../backupSet/setName';
import { listBatchFiles } from '../backupSet/walArchive';
import { StackBackupError } from '../errors/StackBackupError';
import { childPlace, openPlace, showPlace } from '../storage/openPlace';
import { openTransport } from './postgresBackup';
import { SLOT_RISK_SHARE, type WalCollectOptions } from './walCollect';
import { slotStateSql, WAL_SERVER_FACTS_SQL, type SlotState, type WalServerFacts } from './walQueries';
import { walSlotName } from './walSlot';

export const DEFAULT_WAL_MAX_AGE_MINUTES = 30;

export interface WalHealthOptions extends WalCollectOptions {
	/** Collection that has not advanced for this many minutes is stalled (default 30). */
	maxAgeMinutes?: number;
	now?: Date;
}

export interface WalProblem {
	code: 'WAL_STALLED' | 'WAL_SLOT_AT_RISK';
	message: string;
	hint: string;
}

export interface WalHealth {
	set: string;
	slot: string;
	newestBatchAt: string | null;
	ageMinutes: number | null;
	slotState: SlotState | null;
	/** max_slot_wal_keep_size in bytes; null when unlimited. */
	limitBytes: number | null;
	problems: WalProblem[];
}

/**
 * The watchdog's look at point-in-time recovery: has collection advanced lately (the newest
 * batch in the root), and how close does our slot bring the server to max_slot_wal_keep_size,
 * past which Postgres gives the WAL up to save its disk. It fires before that happens.
 */
export async function checkWalHealth(options: WalHealthOptions): Promise<WalHealth> {
	const setName = validateSetName(options.setName);
	const slot = walSlotName(setName);
	const now = options.now ?? new Date();
	const maxAge = options.maxAgeMinutes ?? DEFAULT_WAL_MAX_AGE_MINUTES;
	const set = childPlace(openPlace(options.root, 'root'), setName);
	const newest = (await listBatchFiles(set)).at(-1)?.at ?? null;
	const transport = await openTransport(options);
	const session = await transport.openSession();
	let server: WalServerFacts;
	let state: SlotState | null;
	try {
		server = await session.queryJson<WalServerFacts>(WAL_SERVER_FACTS_SQL);
		state = await session.queryJson<SlotState | null>(slotStateSql(slot));
	} finally {
		await session.close();
	}
	const problems: WalProblem[] = [];
	const ageMinutes = newest ? (now.getTime() - newest.getTime()) / 60000 : null;
	if (ageMinutes === null || ageMinutes > maxAge) {
		problems.push({
			code: 'WAL_STALLED',
			message: newest
				? `WAL collection for "${setName}" has not advanced for ${Math.round(ageMinutes!)} minutes (newest batch ${newest.toISOString()})`
				: `WAL collection for "${setName}" has never stored a batch in ${showPlace(set)}`,
			hint: 'Check that the WAL collection workflow is published and read its last failed execution. Meanwhile the slot keeps WAL on the database server.',
		});
	}
	const limitBytes = server.maxSlotWalKeepMb >= 0 ? server.maxSlotWalKeepMb * 1024 * 1024 : null;
	const retained = state?.retainedBytes ?? 0;
	if (
		state &&
		(state.walStatus === 'unreserved' || state.walStatus === 'lost' || (limitBytes !== null && retained > limitBytes * SLOT_RISK_SHARE))
	) {
		problems.push({
			code: 'WAL_SLOT_AT_RISK',
			message: `The replication slot ${slot} holds ${Math.round(retained / 1048576)} MiB of WAL on the server${limitBytes !== null ? `, ${Math.round((retained / limitBytes) * 100)}% of max_slot_wal_keep_size` : ''} (${state.walStatus})`,
			hint: 'Collection is behind: run it now. Past the limit Postgres gives the WAL up and recovery has a hole until the next base backup.',
		});
	}
	return {
		set: setName,
		slot,
		newestBatchAt: newest?.toISOString() ?? null,
		ageMinutes: ageMinutes === null ? null : Math.round(ageMinutes * 10) / 10,
		slotState: state,
		limitBytes,
		problems,
	};
}

/** The first problem as the error an alert carries. */
export function walHealthError(health: WalHealth): StackBackupError | null {
	const first = health.problems[0];
	if (!first) return null;
	return new StackBackupError(first.code, health.problems.map((p) => p.message).join('; '), {
		hint: first.hint,
		details: { set: health.set, slot: health.slot },
	});
}
