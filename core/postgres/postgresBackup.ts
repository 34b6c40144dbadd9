import { stallTimeoutMs, withBackupRun, type BackupRun, type BackupRunOptions } from '../backupSet/backupRun';
import type { BackupResult } from '../backupSet/backupResult';
import { checkShrink } from '../backupSet/shrinkGuard';
import type { Compression } from '../archive/compression';
import { withDockerLimit, type DockerConnection } from '../docker/dockerConnection';
import { StackBackupError } from '../errors/StackBackupError';
import { EXPORT_SNAPSHOT_SQL, FOREIGN_KEYS_SQL, SERVER_VERSION_SQL, USER_TABLES_SQL } from './catalogQueries';
import { scopeTables, type DumpFilters, type ScopedTable, type TableRef } from './dumpScope';
import type { QuerySession } from './QuerySession';
import { workflowsExportSource } from './workflowsExport';
import { WORKFLOWS_ARTIFACT_KIND } from '../backupSet/manifest';
import { WORKFLOWS_BASE_NAME, WORKFLOWS_FORMAT, type WorkflowsExportInventory } from '../backupSet/workflowsFile';
import { CopyRowCounter } from './CopyRowCounter';
import { collectInventory, summarizeInventory, withRowCounts, type PostgresInventory } from './inventory';
import { executionHistoryTables, findN8nTables } from './n8nTables';
import { buildPgDumpArgs, type PgDumpFormat } from './pgDumpArgs';
import type { PgConnection } from './PgConnection';
import { pgProcessError } from './pgErrors';
import { containerTransport, localTransport, type PgTransport } from './PgTransport';
import { exactTablePattern } from './tablePattern';
import { invalidOption } from '../options/invalidOption';
import { aboutFields } from '../options/optionFields';
import { readDumpFilters, type DumpFilterInput } from './dumpFilterOptions';
import { optionNumberOr, type NumberRule } from '../options/optionNumber';
import { backupPhysical } from './physicalBackup';
import { PHYSICAL_FORMAT } from './baseBackup';

export const ARTIFACT_KIND = 'postgres';
export const DEFAULT_MAX_SHRINK_PERCENT = 50;
const MAX_SHRINK: NumberRule = { field: 'maxShrinkPercent', what: 'The largest shrink to accept, in percent', min: 0, max: 100 };
export const DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS = 120;
const LOCK_WAIT_TIMEOUT: NumberRule = { field: 'lockWaitTimeoutSeconds', what: 'The lock wait timeout in seconds', min: 1 };
const lockWaitTimeoutMs = (options: PostgresBackupOptions) =>
	optionNumberOr(options.lockWaitTimeoutSeconds, LOCK_WAIT_TIMEOUT, DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS) * 1000;

export interface PostgresBackupOptions extends Omit<BackupRunOptions, 'log'>, DumpFilterInput {
	log?: BackupRunOptions['log'];
	method: 'docker' | 'local';
	connection: PgConnection;
	/** Required for the docker method. */
	docker?: { connection: DockerConnection; container: string };
	/** Local pg_dump program (default: pg_dump on PATH). */
	pgDumpPath?: string;
	/** A logical dump (plain or custom), or the whole cluster's base backup for point-in-time recovery. */
	format: PgDumpFormat | typeof PHYSICAL_FORMAT;
	compression: Compression;
	/** Leave out the rows of n8n's execution history (and what references them). */
	n8nSkipExecutions?: boolean;
	/** Fail when the dump is more than this many percent smaller than the last set, as typed (0-100, default 50). */
	maxShrinkPercent?: number | string;
	allowShrink?: boolean;
	/** How long pg_dump waits for a table lock held by another session, in seconds as typed (default 120). */
	lockWaitTimeoutSeconds?: number | string;
}

export type PostgresBackupResult = BackupResult<ReturnType<typeof summarizeInventory>>;

export async function openTransport(
	options: Pick<PostgresBackupOptions, 'connection' | 'method' | 'docker' | 'pgDumpPath' | 'stallTimeoutSeconds'>,
): Promise<PgTransport> {
	if (!options.connection?.database) {
		throw invalidOption('postgresDatabase', 'No database name was given', 'Name the database to back up.');
	}
	if (options.method === 'local') return localTransport(options.connection, options.pgDumpPath, stallTimeoutMs(options));
	if (!options.docker?.container) {
		throw invalidOption(
			'postgresContainer',
			'The Docker method needs a container name',
			'Name the Postgres container, as `docker ps` shows it.',
		);
	}
	return containerTransport(
		withDockerLimit(options.docker.connection, stallTimeoutMs(options)),
		options.docker.container,
		options.connection,
	);
}

/** What the catalog says at the snapshot the dump will use. */
interface SnapshotCatalog {
	snapshot: string;
	serverVersion: string;
	tables: TableRef[];
	n8n: ReturnType<typeof findN8nTables>;
}

/**
 * Dumps one database into a new backup set. pg_dump runs in a snapshot that
 * our own session exported, and the inventory (tables, row counts, n8n
 * workflows) is read in that same snapshot while the dump streams: the
 * manifest describes exactly what the dump holds, at no extra wall time.
 */
export async function backupPostgres(options: PostgresBackupOptions): Promise<PostgresBackupResult> {
	const began = Date.now();
	// What the user typed is checked before anything starts.
	const typedFilters = readDumpFilters(options);
	const maxShrinkPercent = optionNumberOr(options.maxShrinkPercent, MAX_SHRINK, DEFAULT_MAX_SHRINK_PERCENT);
	lockWaitTimeoutMs(options);
	const transport = await openTransport(options);
	if (options.format === PHYSICAL_FORMAT) return backupPhysical(options, transport, { maxShrinkPercent, began });
	const format = options.format;
	// Asked while the run folder and our session are set up: pg_dump is slow to answer
	// (a Perl wrapper on Debian, about 50 ms; a docker exec in a container).
	const versionAnswer = transport.pgDumpVersion();
	versionAnswer.catch(() => undefined); // awaited in the run, where a failure ends it

	return withBackupRun(options, async (run) => {
		const warnings: string[] = [];
		const session = await transport.openSession();
		try {
			// Before the first query: without pg_dump there is nothing to do, and "pg_dump not found" is the error to show.
			const pgDumpVersion = await versionAnswer;
			const catalog = await exportSnapshot(session);
			const leftOut = await executionHistoryToLeaveOut(session, catalog, options, warnings);
			const filters = withDataLeftOut(typedFilters, leftOut);
			const scoped = scopeTables(catalog.tables, filters);
			if (scoped.length === 0 && catalog.tables.length > 0) warnings.push('The table filters match no table: the dump holds no table.');
			run.log.info(
				`pg_dump ${pgDumpVersion} (${format}) of "${options.connection.database}", ${scoped.length} tables, server ${catalog.serverVersion}`,
			);
			const inventory = await dumpWithInventory(run, transport, session, { ...options, format }, { catalog, filters, scoped });
			checkShrink(run.previous, run.artifacts, ARTIFACT_KIND, { maxShrinkPercent, allowShrink: Boolean(options.allowShrink) });
			const exported = inventory.n8n && catalog.n8n ? await exportWorkflows(run, session, catalog.n8n.workflows) : undefined;
			const source = describeSource(transport, options, { catalog, pgDumpVersion, filters, leftOut });
			return await sealPostgresSet(run, { source, inventory, exported, warnings, began });
		} finally {
			await session.close();
		}
	});
}

/** Opens a read-only transaction and exports its snapshot, for pg_dump and the inventory to share. */
export async function exportSnapshot(session: QuerySession): Promise<SnapshotCatalog> {
	await session.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
	const snapshot = await session.queryJson<string>(EXPORT_SNAPSHOT_SQL);
	const serverVersion = await session.queryJson<string>(SERVER_VERSION_SQL);
	const tables = (await session.queryJson<TableRef[] | null>(USER_TABLES_SQL)) ?? [];
	return { snapshot, serverVersion, tables, n8n: findN8nTables(tables) };
}

/** n8n's execution tables (and those that reference them) whose rows stay out, when asked and when this is n8n. */
export async function executionHistoryToLeaveOut(
	session: QuerySession,
	catalog: SnapshotCatalog,
	options: Pick<PostgresBackupOptions, 'n8nSkipExecutions'>,
	warnings: string[],
): Promise<TableRef[]> {
	if (!options.n8nSkipExecutions) return [];
	if (!catalog.n8n) {
		warnings.push(
			'"Leave out execution history" was set, but this is not an n8n database (no workflow_entity table): everything was dumped.',
		);
		return [];
	}
	const foreignKeys = (await session.queryJson<Array<{ from: TableRef; to: TableRef }> | null>(FOREIGN_KEYS_SQL)) ?? [];
	return executionHistoryTables(catalog.n8n, catalog.tables, foreignKeys);
}

function withDataLeftOut(filters: DumpFilters, leftOut: TableRef[]): DumpFilters {
	return {
		...filters,
		excludeTableData: [...(filters.excludeTableData ?? []), ...leftOut.map((t) => exactTablePattern(t.schema, t.name))],
	};
}

/**
 * Streams pg_dump into the run's artifact while the inventory is read in the same snapshot;
 * fails with the cause that counts (ours, pg_dump's, or an empty dump).
 */
async function dumpWithInventory(
	run: BackupRun,
	transport: PgTransport,
	session: QuerySession,
	options: PostgresBackupOptions & { format: PgDumpFormat },
	plan: { catalog: SnapshotCatalog; filters: DumpFilters; scoped: ScopedTable[] },
): Promise<PostgresInventory> {
	const dump = await transport.startDump(
		buildPgDumpArgs({
			format: options.format,
			compressOutside: options.compression !== 'none',
			snapshot: plan.catalog.snapshot,
			filters: plan.filters,
			lockWaitTimeoutMs: lockWaitTimeoutMs(options),
		}),
	);
	// A plain dump's rows are counted as it streams; only custom format needs count(*), a second scan.
	const rowCounter = options.format === 'plain' ? new CopyRowCounter() : undefined;
	const inventoryPromise = collectInventory(session, options.connection.database, plan.scoped, plan.catalog.n8n, {
		countRows: !rowCounter,
	});
	inventoryPromise.catch(() => undefined); // awaited below, after the dump
	try {
		await run.writeArtifact({
			baseName: `${safeFileStem(options.connection.database)}.${options.format === 'custom' ? 'pgdump' : 'sql'}`,
			kind: ARTIFACT_KIND,
			format: options.format,
			compression: options.compression,
			source: dump.stdout,
			transforms: rowCounter ? [rowCounter] : [],
			stalled: (seconds) =>
				new StackBackupError('PG_TIMEOUT', `pg_dump on ${transport.errorContext('pg_dump').where} sent nothing for ${seconds} s`, {
					hint: 'Postgres stopped answering mid-dump (frozen, overloaded, or its disk hangs). Nothing of this run was kept; check the server, then run again. A server that is only slow needs a longer stall timeout.',
					details: { step: 'pg_dump', ...aboutFields('stallTimeoutSeconds') },
				}),
		});
	} catch (error) {
		// Only our side breaks the write (disk full, permissions): pg_dump's own failures end
		// its output normally and show in its exit code below. Stopping it here makes it say
		// "terminated by user", which must not replace the real cause.
		dump.abort();
		throw error;
	}
	const { exitCode, stderr } = await dump.done;
	if (exitCode !== 0) {
		// A failed inventory query ends the transaction that exported the snapshot, and pg_dump
		// then only reports that the snapshot is gone: the query's own error is the cause.
		const inventoryError = await inventoryPromise.then(
			() => undefined,
			(e: unknown) => e,
		);
		if (inventoryError && /could not import the requested snapshot/.test(stderr)) throw inventoryError;
		throw pgProcessError(exitCode, stderr, transport.errorContext('pg_dump'));
	}
	if (run.artifacts[0].rawSize === 0) {
		throw new StackBackupError('EMPTY_DUMP', 'pg_dump exited successfully but wrote nothing', {
			hint: 'An empty dump is never a backup. Check the database name and the table filters.',
		});
	}
	const collected = await inventoryPromise;
	return rowCounter ? withRowCounts(collected, rowCounter.rows) : collected;
}

/**
 * n8n's workflows as its own export JSON beside the dump, read in the dump's snapshot (the
 * session's transaction is still open). Uncompressed, so `n8n import:workflow --input` takes
 * it as it is; encrypted like every artifact when the set is.
 */
export async function exportWorkflows(run: BackupRun, session: QuerySession, table: TableRef): Promise<WorkflowsExportInventory> {
	let inventory: WorkflowsExportInventory = { workflows: 0 };
	await run.writeArtifact({
		baseName: WORKFLOWS_BASE_NAME,
		kind: WORKFLOWS_ARTIFACT_KIND,
		format: WORKFLOWS_FORMAT,
		compression: 'none',
		source: workflowsExportSource(session, table, (counted) => (inventory = counted)),
	});
	run.log.info(`Exported ${inventory.workflows} n8n workflows as ${WORKFLOWS_BASE_NAME}`);
	return inventory;
}

/** Where the dump came from, for the manifest: nothing secret. */
function describeSource(
	transport: PgTransport,
	options: PostgresBackupOptions,
	facts: { catalog: SnapshotCatalog; pgDumpVersion: string; filters: DumpFilters; leftOut: TableRef[] },
): Record<string, unknown> {
	return {
		...transport.describe(),
		database: options.connection.database,
		user: options.connection.user ?? null,
		serverVersion: facts.catalog.serverVersion,
		pgDumpVersion: facts.pgDumpVersion,
		format: options.format,
		filters: facts.filters,
		n8nSkipExecutions: Boolean(options.n8nSkipExecutions),
		dataLeftOut: facts.leftOut.map((t) => `${t.schema}.${t.name}`),
	};
}

export function safeFileStem(database: string): string {
	const stem = database.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '');
	return stem || 'database';
}

/** Seals a Postgres set (a dump or a base backup): the manifest last, then the result the nodes and the CLI report. */
export async function sealPostgresSet(
	run: BackupRun,
	parts: {
		source: Record<string, unknown>;
		inventory: PostgresInventory;
		exported?: WorkflowsExportInventory;
		warnings: string[];
		began: number;
	},
): Promise<PostgresBackupResult> {
	const manifest = await run.seal({
		sources: { [ARTIFACT_KIND]: parts.source },
		inventory: { [ARTIFACT_KIND]: parts.inventory, ...(parts.exported ? { [WORKFLOWS_ARTIFACT_KIND]: parts.exported } : {}) },
		warnings: parts.warnings,
	});
	for (const warning of parts.warnings) run.log.warn(warning);
	return {
		set: run.setName,
		path: run.dir,
		artifacts: run.artifacts,
		inventory: summarizeInventory(parts.inventory),
		warnings: parts.warnings,
		durationMs: Date.now() - parts.began,
		manifest,
	};
}
