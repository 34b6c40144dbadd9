import type { Readable } from 'node:stream';
import { workflowsExportStream, type WorkflowsExportInventory } from '../backupSet/workflowsFile';
import { n8nWorkflowRowsSql } from './catalogQueries';
import type { TableRef } from './dumpScope';
import type { QuerySession } from './QuerySession';

const PAGE = 100;

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
	return workflowsExportStream(
		(async function* () {
			let after: string | null = null;
			for (;;) {
				const rows: Array<Record<string, unknown>> =
					(await session.queryJson<Array<Record<string, unknown>> | null>(n8nWorkflowRowsSql(table, after, PAGE))) ?? [];
				yield rows.map(asExported);
				if (rows.length < PAGE) return;
				after = String(rows[rows.length - 1].id);
			}
		})(),
		counted,
	);
}

/**
 * A row as n8n's export writes it. n8n exports the entity's columns; the
 * folder a workflow sat in is left out, since a fresh n8n has no such folder
 * and its import would fail on the missing reference.
 */
export function asExported(row: Record<string, unknown>): Record<string, unknown> {
	const exported = { ...row };
	delete exported.parentFolderId;
	return exported;
}
