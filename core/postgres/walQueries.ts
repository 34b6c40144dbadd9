import { oneJsonRow } from './catalogQueries';

// What WAL collection and a base backup read from the server. Every query returns one JSON
// value (catalogQueries.ts); slot names are ours and checked (walSlot.ts), so they go in as literals.

export interface WalServerFacts {
	serverVersionNum: number;
	serverVersion: string;
	walLevel: string;
	systemIdentifier: string;
	segmentSize: number;
	/** max_slot_wal_keep_size in MB; -1 is unlimited. */
	maxSlotWalKeepMb: number;
	currentLsn: string;
	/** The timeline WAL is written on now (from the current segment's name: right after a promotion too). */
	timeline: number;
	inRecovery: boolean;
}

export const WAL_SERVER_FACTS_SQL = oneJsonRow(`
	SELECT json_build_object(
		'serverVersionNum', current_setting('server_version_num')::int,
		'serverVersion', current_setting('server_version'),
		'walLevel', current_setting('wal_level'),
		'systemIdentifier', (SELECT system_identifier::text FROM pg_control_system()),
		'segmentSize', (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'),
		'maxSlotWalKeepMb', (SELECT setting::bigint FROM pg_settings WHERE name = 'max_slot_wal_keep_size'),
		'currentLsn', CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
		'timeline', CASE WHEN pg_is_in_recovery() THEN NULL
			ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
		'inRecovery', pg_is_in_recovery())`);

export interface SlotState {
	restartLsn: string | null;
	/** reserved, extended, unreserved or lost (Postgres 13+). */
	walStatus: string | null;
	active: boolean;
	/** WAL the server holds for the slot, in bytes. */
	retainedBytes: number | null;
	/** How much more WAL may be written before the slot is lost; null when unlimited. */
	safeWalSize: number | null;
}

export function slotStateSql(slot: string): string {
	return oneJsonRow(`
		SELECT json_build_object(
			'restartLsn', restart_lsn::text, 'walStatus', wal_status, 'active', active,
			'retainedBytes', CASE WHEN restart_lsn IS NULL OR pg_is_in_recovery() THEN NULL
				ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint END,
			'safeWalSize', safe_wal_size)
		FROM pg_replication_slots WHERE slot_name = '${slot}'`);
}

/** Creates a physical slot that holds WAL from this moment on (immediately_reserve). */
export function createSlotSql(slot: string): string {
	return oneJsonRow(`SELECT to_json(lsn::text) FROM pg_create_physical_replication_slot('${slot}', true)`);
}

export function dropSlotSql(slot: string): string {
	return oneJsonRow(`SELECT to_json(true) FROM (SELECT pg_drop_replication_slot('${slot}')) AS dropped`);
}

/**
 * A tiny committed WAL record past the position just read. pg_receivewal's --endpos stops
 * only once it receives WAL beyond it: on an idle server nothing would come for minutes.
 * Transactional, so its commit is flushed and sent at once.
 */
export const WAL_MARK_SQL = oneJsonRow(`SELECT to_json(pg_logical_emit_message(true, 'n8n-stack-backup', 'wal collection')::text)`);

/**
 * Moves our slot up to a position whose WAL is stored and recorded, so the next run streams from
 * there. pg_receivewal's last flush report can trail where it stopped by segments; streaming those
 * again would record them twice. Never backwards (Postgres refuses that), never while in use.
 */
export function advanceSlotSql(slot: string, lsn: string): string {
	if (!/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i.test(lsn)) throw new Error(`Not a WAL position: ${lsn}`);
	return oneJsonRow(`
		SELECT to_json(count(*) > 0) FROM (
			SELECT pg_replication_slot_advance(slot_name, '${lsn}'::pg_lsn) FROM pg_replication_slots
			WHERE slot_name = '${slot}' AND NOT active AND restart_lsn < '${lsn}'::pg_lsn) AS advanced`);
}
