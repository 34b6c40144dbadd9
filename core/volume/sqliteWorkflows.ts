import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { workflowsExportStream, type SqliteWorkflowsInventory, type WorkflowRecord } from '../backupSet/workflowsFile';

interface SqliteStatement {
	all(...params: unknown[]): Array<Record<string, unknown>>;
}
interface SqliteDatabase {
	prepare(sql: string): SqliteStatement;
	close(): void;
}
interface NodeSqlite {
	DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => SqliteDatabase;
}

const PAGE = 100;
// n8n keeps these as JSON text in SQLite; its export writes them as JSON values.
const JSON_COLUMNS = new Set(['nodes', 'connections', 'settings', 'staticData', 'pinData', 'meta']);
const BOOLEAN_COLUMNS = new Set(['active', 'isArchived']);
const DATE_COLUMNS = new Set(['createdAt', 'updatedAt']);

/** SQLite's "YYYY-MM-DD HH:MM:SS.SSS" (UTC, as n8n writes it) as an ISO time. */
function isoTime(value: unknown): unknown {
	return typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
}

function asExported(row: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [column, value] of Object.entries(row)) {
		if (column === 'parentFolderId') continue; // a fresh n8n has no such folder: see postgres/workflowsExport
		if (JSON_COLUMNS.has(column) && typeof value === 'string') {
			try {
				out[column] = JSON.parse(value);
			} catch {
				out[column] = value;
			}
		} else if (BOOLEAN_COLUMNS.has(column) && (value === 0 || value === 1)) out[column] = value === 1;
		else if (DATE_COLUMNS.has(column)) out[column] = isoTime(value);
		else out[column] = value;
	}
	return out;
}

function recordOf(row: Record<string, unknown>): WorkflowRecord {
	const text = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));
	return {
		id: String(row.id),
		name: String(row.name ?? ''),
		active: row.active === null || row.active === undefined ? null : Boolean(row.active),
		updatedAt: String(isoTime(row.updatedAt) ?? ''),
		sha256: createHash('sha256')
			.update(`${text(row.nodes)}\n${text(row.connections)}`, 'utf8')
			.digest('hex'),
	};
}

/**
 * The workflows of an n8n SQLite database (a consistent copy, or a database
 * nobody writes) as n8n's export JSON, read page by page through node:sqlite,
 * and their records for the set's inventory. Null when the database has no
 * n8n workflow table (or this Node has no node:sqlite).
 */
export function sqliteWorkflowsExport(
	databasePath: string,
	counted: (inventory: SqliteWorkflowsInventory) => void,
): { stream: Readable; close: () => void } | null {
	let sqlite: NodeSqlite;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- node:sqlite is absent on older Node; checked at run time
		sqlite = require('node:sqlite') as NodeSqlite;
	} catch {
		return null;
	}
	const db = new sqlite.DatabaseSync(databasePath, { readOnly: true });
	// n8n's DB_TABLE_PREFIX is whatever precedes "workflow_entity".
	const [found] = db
		.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%workflow_entity' ORDER BY length(name) LIMIT 1`)
		.all();
	if (!found) {
		db.close();
		return null;
	}
	const table = `"${String(found.name).replace(/"/g, '""')}"`;
	const page = db.prepare(`SELECT * FROM ${table} WHERE id > ? ORDER BY id LIMIT ${PAGE}`);
	const records: WorkflowRecord[] = [];
	const stream = workflowsExportStream(
		(async function* () {
			let after = '';
			for (;;) {
				const rows = page.all(after);
				records.push(...rows.map(recordOf));
				yield rows.map(asExported);
				if (rows.length < PAGE) return;
				after = String(rows[rows.length - 1].id);
			}
		})(),
		({ workflows }) => counted({ workflows, source: 'sqlite', records }),
	);
	return { stream, close: () => db.close() };
}
