import { StackBackupError } from '../errors/StackBackupError';

interface NodeSqlite {
	DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => { close(): void };
	backup?: (db: unknown, destination: string) => Promise<number>;
}

/**
 * A consistent copy of a live SQLite database through SQLite's online backup
 * API (node:sqlite, Node >= 22.16), never a raw copy of files being written.
 */
export async function snapshotSqlite(source: string, destination: string): Promise<void> {
	let sqlite: NodeSqlite;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- node:sqlite is absent on older Node; checked at run time
		sqlite = require('node:sqlite') as NodeSqlite;
	} catch {
		sqlite = { DatabaseSync: undefined as never };
	}
	if (!sqlite.DatabaseSync || typeof sqlite.backup !== 'function') {
		throw new StackBackupError(
			'LIVE_SQLITE',
			`${source} is in use (it has a -wal file) and Node.js ${process.version} has no SQLite backup API`,
			{
				hint: 'Run on Node.js 22.16 or newer (n8n 2.x always is), or stop n8n during the archive. A raw copy of a live database is never taken.',
			},
		);
	}
	const db = new sqlite.DatabaseSync(source, { readOnly: true });
	try {
		await sqlite.backup(db, destination);
	} finally {
		db.close();
	}
}
