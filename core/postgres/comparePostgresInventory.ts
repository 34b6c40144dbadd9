import { columnsSql, n8nWorkflowsSql, rowCountsSql, USER_TABLES_SQL } from './catalogQueries';
import type { TableRef } from './dumpScope';
import type { N8nWorkflowRecord, PostgresInventory } from './inventory';
import type { QuerySession } from './QuerySession';

export interface PostgresComparison {
	tablesChecked: number;
	rowsChecked: number;
	workflowsChecked: number;
	/** Each difference between the database and the manifest, in words. */
	differences: string[];
}

const key = (t: TableRef) => `${t.schema}.${t.name}`;

/**
 * Compares a restored database with the manifest written at dump time: every
 * table is there with the same row count, and every n8n workflow has the
 * same checksum of its nodes and connections.
 */
export async function comparePostgresInventory(session: QuerySession, expected: PostgresInventory): Promise<PostgresComparison> {
	const differences: string[] = [];
	const present = new Set(((await session.queryJson<TableRef[] | null>(USER_TABLES_SQL)) ?? []).map(key));
	const missing = expected.tables.filter((t) => !present.has(key(t)));
	for (const t of missing) differences.push(`table ${key(t)} is missing`);
	const counted = expected.tables.filter((t) => t.dataIncluded && present.has(key(t)));
	const counts = await session.queryJson<Array<number | string>>(rowCountsSql(counted));
	counted.forEach((t, i) => {
		const rows = Number(counts[i]);
		if (rows !== t.rows) differences.push(`table ${key(t)} has ${rows} rows, the manifest says ${t.rows}`);
	});

	let workflowsChecked = 0;
	const n8n = expected.n8n;
	const workflowsTable = n8n ? { schema: n8n.schema, name: `${n8n.tablePrefix}workflow_entity` } : undefined;
	if (n8n && workflowsTable && present.has(key(workflowsTable))) {
		const columns = await session.queryJson<string[]>(columnsSql(workflowsTable));
		const restored = new Map(
			((await session.queryJson<N8nWorkflowRecord[] | null>(n8nWorkflowsSql(workflowsTable, columns))) ?? []).map((w) => [w.id, w]),
		);
		for (const w of n8n.workflows) {
			const got = restored.get(w.id);
			if (!got) differences.push(`workflow "${w.name}" (${w.id}) is missing`);
			else if (got.sha256 !== w.sha256)
				differences.push(`workflow "${w.name}" (${w.id}) differs from the backup (checksum of nodes and connections)`);
			restored.delete(w.id);
		}
		for (const extra of restored.values()) differences.push(`workflow "${extra.name}" (${extra.id}) is not in the manifest`);
		workflowsChecked = n8n.workflows.length;
	}
	return {
		tablesChecked: expected.tables.length,
		rowsChecked: counted.reduce((sum, t) => sum + t.rows, 0),
		workflowsChecked,
		differences,
	};
}
