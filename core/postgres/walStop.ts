import { validateSetName } from '../backupSet/setName';
import { silentLogger } from '../logging/Logger';
import { openTransport, type PostgresBackupOptions } from './postgresBackup';
import { dropSlotSql, slotStateSql, type SlotState } from './walQueries';
import { walSlotName } from './walSlot';
import { StackBackupError } from '../errors/StackBackupError';

export type WalStopOptions = Pick<
	PostgresBackupOptions,
	'method' | 'connection' | 'docker' | 'pgDumpPath' | 'setName' | 'log' | 'stallTimeoutSeconds'
>;

export interface WalStopResult {
	set: string;
	slot: string;
	/** False when there was no slot to drop (collection was off already). */
	dropped: boolean;
}

/**
 * Turns point-in-time recovery off for a set: drops our replication slot, so Postgres stops
 * keeping WAL for it, and empties the spool. Collected WAL in the root stays until retention
 * prunes it with the base backups it belongs to.
 */
export async function stopWal(options: WalStopOptions): Promise<WalStopResult> {
	const setName = validateSetName(options.setName);
	const log = options.log ?? silentLogger;
	const slot = walSlotName(setName);
	const transport = await openTransport(options);
	const session = await transport.openSession();
	let dropped = false;
	try {
		const state = await session.queryJson<SlotState | null>(slotStateSql(slot));
		if (state?.active) {
			throw new StackBackupError('BACKUP_LOCKED', `The replication slot ${slot} is in use: a WAL collection is running now`, {
				hint: 'Wait for it to end (it stops at the position it started at), then turn collection off again.',
			});
		}
		if (state) {
			await session.queryJson(dropSlotSql(slot));
			dropped = true;
			log.info(`Dropped the replication slot ${slot}: Postgres no longer keeps WAL for this set`);
		} else log.info(`There is no replication slot ${slot}: WAL collection was off already`);
	} finally {
		await session.close();
	}
	await transport.walSpool(slot).clear();
	return { set: setName, slot, dropped };
}
