import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { n8nWorkflowRowsSql } from './catalogQueries';
import type { TableRef } from './dumpScope';
import type { QuerySession } from './QuerySession';

/**
 * Every n8n workflow as n8n's own export JSON (what `n8n export:workflow --all`
 * writes, and `n8n import:workflow --input` reads), kept beside the dump: the
 * one format that survives a move between SQLite and Postgres or across n8n
 * versions, and what the Backup Browser downloads without touching the dump.
 * One workflow per line inside the array, so a reader streams it line by line.
 */
export const WORKFLOWS_ARTIFACT_KIND = 'workflows';
export const WORKFLOWS_BASE_NAME = 'workflows.json';
export const WORKFLOWS_FORMAT = 'n8n-export';

const PAGE = 100;

export interface WorkflowsExportInventory {
	workflows: number;
}

/**
 * The workflows of n8n's table as export JSON, read page by page in the
 * session's transaction (the dump's snapshot). `counted` receives the total
 * once the stream has ended.
 */
export function workflowsExportSource(
	session: QuerySession,
	table: TableRef,
	counted: (inventory: WorkflowsExportInventory) => void,
): Readable {
	return Readable.from(
		(async function* () {
			yield '[\n';
			let after: string | null = null;
			let count = 0;
			for (;;) {
				const rows: Array<Record<string, unknown>> =
					(await session.queryJson<Array<Record<string, unknown>> | null>(n8nWorkflowRowsSql(table, after, PAGE))) ?? [];
				for (const row of rows) yield `${count++ ? ',\n' : ''}${JSON.stringify(asExported(row))}`;
				if (rows.length < PAGE) break;
				after = String(rows[rows.length - 1].id);
			}
			yield `${count ? '\n' : ''}]\n`;
			counted({ workflows: count });
		})(),
		{ objectMode: false },
	);
}

/**
 * A row as n8n's export writes it. n8n exports the entity's columns; the
 * folder a workflow sat in is left out, since a fresh n8n has no such folder
 * and its import would fail on the missing reference.
 */
function asExported(row: Record<string, unknown>): Record<string, unknown> {
	const exported = { ...row };
	delete exported.parentFolderId;
	return exported;
}

/** The workflows of an export file, one at a time, from its stream (one per line, as written above). */
export async function* readExportedWorkflows(source: Readable): AsyncGenerator<Record<string, unknown>> {
	const lines = createInterface({ input: source, crlfDelay: Infinity });
	for await (const line of lines) {
		const text = line.trim().replace(/,$/, '');
		if (text.startsWith('{')) yield JSON.parse(text) as Record<string, unknown>;
	}
}
