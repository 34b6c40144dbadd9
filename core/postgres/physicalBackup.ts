import { withBackupRun } from '../backupSet/backupRun';
import { checkShrink } from '../backupSet/shrinkGuard';
import { StackBackupError } from '../errors/StackBackupError';
import { BASE_BACKUP_BASE_NAME, PHYSICAL_FORMAT, pgBasebackupVersion, writeBaseBackup } from './baseBackup';
import { scopeTables } from './dumpScope';
import { collectInventory } from './inventory';
import type { PgTransport } from './PgTransport';
import {
	ARTIFACT_KIND,
	exportSnapshot,
	exportWorkflows,
	sealPostgresSet,
	type PostgresBackupOptions,
	type PostgresBackupResult,
} from './postgresBackup';
import { slotStateSql, WAL_SERVER_FACTS_SQL, type SlotState, type WalServerFacts } from './walQueries';
import { walSlotName } from './walSlot';

/**
 * A base backup of the whole cluster (pg_basebackup) as a set: with the WAL that WAL collection
 * gathers, it restores to any moment after its end. The manifest records where it starts and
 * ends in the WAL, its timeline and the cluster's identity; the n8n inventory is read in a
 * snapshot taken as it starts, as a logical dump's is.
 */
export async function backupPhysical(
	options: PostgresBackupOptions,
	transport: PgTransport,
	facts: { maxShrinkPercent: number; began: number },
): Promise<PostgresBackupResult> {
	const versionAnswer = pgBasebackupVersion(transport);
	versionAnswer.catch(() => undefined); // awaited in the run
	return withBackupRun(options, async (run) => {
		const warnings: string[] = [];
		const session = await transport.openSession();
		try {
			const version = await versionAnswer;
			const server = await session.queryJson<WalServerFacts>(WAL_SERVER_FACTS_SQL);
			if (server.walLevel === 'minimal') {
				throw new StackBackupError(
					'PITR_UNSUPPORTED',
					`Postgres on ${transport.errorContext('pg_basebackup').where} runs with wal_level = minimal`,
					{
						hint: 'A base backup needs wal_level = replica (the default): set it in postgresql.conf or with -c wal_level=replica, and restart Postgres.',
					},
				);
			}
			const slot = await session.queryJson<SlotState | null>(slotStateSql(walSlotName(run.setName)));
			if (!slot) {
				warnings.push(
					'WAL is not collected for this set: this base backup restores to its own end only. Collect WAL every few minutes (the WAL collection template) to restore to any minute after it.',
				);
			}
			if (hasFilters(options))
				warnings.push('Table filters and "leave out execution history" do not apply to a base backup: it copies the whole cluster.');
			const catalog = await exportSnapshot(session);
			run.log.info(
				`pg_basebackup ${version} of the cluster on ${transport.errorContext('pg_basebackup').where}, server ${server.serverVersion}`,
			);
			const inventoryPromise = collectInventory(session, options.connection.database, scopeTables(catalog.tables, {}), catalog.n8n);
			inventoryPromise.catch(() => undefined); // awaited below, after the base backup
			const position = await writeBaseBackup(run, transport, options.compression);
			const inventory = await inventoryPromise;
			// Only a base backup compares with a base backup: a cluster is larger than one dump.
			const previous = run.previous?.artifacts.some((a) => a.format === PHYSICAL_FORMAT) ? run.previous : undefined;
			checkShrink(previous, run.artifacts, ARTIFACT_KIND, {
				maxShrinkPercent: facts.maxShrinkPercent,
				allowShrink: Boolean(options.allowShrink),
			});
			const exported = inventory.n8n && catalog.n8n ? await exportWorkflows(run, session, catalog.n8n.workflows) : undefined;
			run.log.info(`Base backup from WAL ${position.startLsn} to ${position.endLsn} on timeline ${position.timeline}`);
			const source = {
				...transport.describe(),
				database: options.connection.database,
				user: options.connection.user ?? null,
				format: PHYSICAL_FORMAT,
				serverVersion: catalog.serverVersion,
				pgBasebackupVersion: version,
				artifact: BASE_BACKUP_BASE_NAME,
				startLsn: position.startLsn,
				endLsn: position.endLsn,
				timeline: position.timeline,
				systemIdentifier: server.systemIdentifier,
				walSegmentSize: server.segmentSize,
				autoConf: position.autoConf,
			};
			return await sealPostgresSet(run, { source, inventory, exported, warnings, began: facts.began });
		} finally {
			await session.close();
		}
	});
}

function hasFilters(options: PostgresBackupOptions): boolean {
	const lists = [options.includeSchemas, options.excludeSchemas, options.includeTables, options.excludeTables, options.excludeTableData];
	return Boolean(options.n8nSkipExecutions) || lists.some((l) => (Array.isArray(l) ? l.length > 0 : Boolean(l && String(l).trim())));
}
