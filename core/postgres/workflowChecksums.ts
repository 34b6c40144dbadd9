import { columnsSql, n8nWorkflowsSql, USER_TABLES_SQL } from './catalogQueries';
import type { TableRef } from './dumpScope';
import type { N8nWorkflowRecord } from './inventory';
import { findN8nTables } from './n8nTables';
import type { QuerySession } from './QuerySession';

/**
 * n8n's workflows as id -> sha256 (of nodes and connections, as the inventory digests them):
 * what a WAL batch records at its moment, and what a point-in-time restore is compared with.
 * Null on a database that is not n8n's.
 */
export async function readWorkflowChecksums(session: QuerySession): Promise<Record<string, string> | null> {
	const tables = (await session.queryJson<TableRef[] | null>(USER_TABLES_SQL)) ?? [];
	const workflows = findN8nTables(tables)?.workflows;
	if (!workflows) return null;
	const columns = await session.queryJson<string[]>(columnsSql(workflows));
	const records = (await session.queryJson<N8nWorkflowRecord[] | null>(n8nWorkflowsSql(workflows, columns))) ?? [];
	return Object.fromEntries(records.map((w) => [w.id, w.sha256]));
}

/** What differs between the workflows expected and those found, one line each (at most 10 named). */
export function compareWorkflowChecksums(expected: Record<string, string>, found: Record<string, string> | null): string[] {
	if (!found) return ['the restored database holds no n8n workflow table'];
	const missing = Object.keys(expected).filter((id) => !(id in found));
	const changed = Object.keys(expected).filter((id) => id in found && found[id] !== expected[id]);
	const extra = Object.keys(found).filter((id) => !(id in expected));
	const lines: string[] = [];
	if (missing.length) lines.push(`${missing.length} workflows missing: ${missing.slice(0, 10).join(', ')}`);
	if (changed.length) lines.push(`${changed.length} workflows differ: ${changed.slice(0, 10).join(', ')}`);
	if (extra.length) lines.push(`${extra.length} workflows that were not there: ${extra.slice(0, 10).join(', ')}`);
	return lines;
}
