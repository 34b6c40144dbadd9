import { columnsSql, n8nCredentialsSql, n8nLastMigrationSql, n8nWorkflowsSql, rowCountsSql } from './catalogQueries';
import type { ScopedTable } from './dumpScope';
import type { N8nTables } from './n8nTables';
import type { QuerySession } from './QuerySession';

export interface TableInventory {
	schema: string;
	name: string;
	/** Rows in the dump: 0 when only the definition is dumped. */
	rows: number;
	dataIncluded: boolean;
}

export interface N8nWorkflowRecord {
	id: string;
	name: string;
	active: boolean | null;
	updatedAt: string;
	sha256: string;
}

export interface N8nInventory {
	tablePrefix: string;
	schema: string;
	workflows: N8nWorkflowRecord[];
	credentials: Array<{ id: string; name: string; type: string }>;
	lastMigration: { name: string; timestamp: number } | null;
}

export interface PostgresInventory {
	database: string;
	tables: TableInventory[];
	totalRows: number;
	n8n?: N8nInventory;
}

/**
 * What the dump holds, read in the dump's own snapshot so the counts match
 * it exactly. Tables dumped without data are not counted (they are often the
 * largest ones, and their restored row count is 0).
 */
export async function collectInventory(
	session: QuerySession,
	database: string,
	tables: readonly ScopedTable[],
	n8n: N8nTables | undefined,
	options: { countRows: boolean } = { countRows: true },
): Promise<PostgresInventory> {
	const counted = tables.filter((t) => t.dataIncluded);
	// Without countRows the rows come from the dump stream afterwards (withRowCounts).
	const counts = options.countRows ? await session.queryJson<Array<number | string>>(rowCountsSql(counted)) : counted.map(() => 0);
	const rowsByTable = new Map(counted.map((t, i) => [`${t.schema}.${t.name}`, Number(counts[i])]));
	const inventoryTables = tables.map((t) => ({
		schema: t.schema,
		name: t.name,
		rows: rowsByTable.get(`${t.schema}.${t.name}`) ?? 0,
		dataIncluded: t.dataIncluded,
	}));
	const inScope = (ref: { schema: string; name: string } | undefined) =>
		ref ? tables.find((t) => t.schema === ref.schema && t.name === ref.name && t.dataIncluded) : undefined;

	let n8nInventory: N8nInventory | undefined;
	const workflowsTable = inScope(n8n?.workflows);
	if (n8n && workflowsTable) {
		const columns = await session.queryJson<string[]>(columnsSql(workflowsTable));
		const credentialsTable = inScope(n8n.credentials);
		const migrationsTable = inScope(n8n.migrations);
		n8nInventory = {
			tablePrefix: n8n.prefix,
			schema: n8n.schema,
			workflows: (await session.queryJson<N8nWorkflowRecord[] | null>(n8nWorkflowsSql(workflowsTable, columns))) ?? [],
			credentials: credentialsTable ? ((await session.queryJson(n8nCredentialsSql(credentialsTable))) ?? []) : [],
			lastMigration: migrationsTable ? await session.queryJson(n8nLastMigrationSql(migrationsTable)) : null,
		};
	}
	return {
		database,
		tables: inventoryTables,
		totalRows: inventoryTables.reduce((sum, t) => sum + t.rows, 0),
		n8n: n8nInventory,
	};
}

/** The inventory with row counts read from the dump itself (see CopyRowCounter). */
export function withRowCounts(inventory: PostgresInventory, rows: ReadonlyMap<string, number>): PostgresInventory {
	const tables = inventory.tables.map((t) => ({ ...t, rows: t.dataIncluded ? (rows.get(`${t.schema}.${t.name}`) ?? 0) : 0 }));
	return { ...inventory, tables, totalRows: tables.reduce((sum, t) => sum + t.rows, 0) };
}

export function summarizeInventory(inventory: PostgresInventory) {
	return {
		database: inventory.database,
		tables: inventory.tables.length,
		rows: inventory.totalRows,
		n8n: inventory.n8n
			? {
					workflows: inventory.n8n.workflows.length,
					credentials: inventory.n8n.credentials.length,
					lastMigration: inventory.n8n.lastMigration?.name ?? null,
				}
			: null,
	};
}
