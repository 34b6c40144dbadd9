import { accessSync, constants, promises as fs, createReadStream, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { minipassToReadable } from '../archive/minipassToReadable';
import { Header, Pack, ReadEntry } from 'tar';
import { StackBackupError } from '../errors/StackBackupError';
import type { ExcludeMatcher } from './excludeMatcher';
import { snapshotSqlite } from './sqliteSnapshot';

export interface DirectorySourceOptions {
	dir: string;
	excluded: ExcludeMatcher | null;
	/** Skip unreadable files with a warning instead of failing. */
	skipUnreadable?: boolean;
	/** Where the SQLite snapshot may be staged (the run folder: same disk as the set). */
	stagingDir: string;
	warn: (message: string) => void;
}

const SQLITE_CANDIDATES = ['database.sqlite', '.n8n/database.sqlite'];

async function exists(path: string): Promise<boolean> {
	return fs.access(path).then(() => true, () => false);
}

// node-tar has already written a file's header (with its size) when the file shrinks or
// vanishes under it, and cannot pad the entry as GNU tar does; it stops the archive. Say
// which file it was and what to do, instead of node-tar's bare message.
function sourceChanged(error: Error, dir: string): Error {
	const e = error as NodeJS.ErrnoException & { path?: string };
	if (e.code !== 'EOF' && e.code !== 'ENOENT') return error;
	const path = (e.path ?? '').replace(`${dir}/`, '');
	return new StackBackupError('SOURCE_CHANGED', `${path || 'A file'} in ${dir} ${e.code === 'EOF' ? 'shrank' : 'vanished'} while it was being archived`, {
		hint: 'Something is writing to this folder. Stop it during the archive ("Stop Containers"), or exclude the file. Nothing of this run was kept.',
		details: { path },
	});
}

/** The live n8n SQLite database in the folder, if one is being written (it has a -wal file). */
async function liveSqlite(dir: string): Promise<string | undefined> {
	for (const rel of SQLITE_CANDIDATES) {
		if ((await exists(join(dir, rel))) && (await exists(join(dir, `${rel}-wal`)))) return rel;
	}
	return undefined;
}

/**
 * A host folder as a tar stream (node-tar). Files that vanish or change
 * while being read are reported as warnings, as GNU tar does; an unreadable
 * file fails the archive naming the file, unless `skipUnreadable`. A live n8n
 * SQLite database goes in as a consistent snapshot taken with SQLite's
 * backup API, in place of its raw files.
 */
export async function openDirectoryArchive(options: DirectorySourceOptions): Promise<{ stream: Readable; cleanup: () => Promise<void>; sqliteSnapshot: string | null }> {
	const { dir } = options;
	const stat = await fs.stat(dir).catch(() => null);
	if (!stat?.isDirectory()) {
		throw new StackBackupError('SOURCE_NOT_FOUND', `${dir} is not a folder`, { hint: 'Give the absolute path of the folder to archive.' });
	}
	const live = await liveSqlite(dir);
	const staged = live ? join(options.stagingDir, `.sqlite-snapshot-${process.pid}.tmp`) : undefined;
	const cleanup = async () => {
		if (staged) await fs.rm(staged, { force: true });
	};
	if (live && staged) await snapshotSqlite(join(dir, live), staged);
	const skipLiveFiles = (path: string) => live !== undefined && [live, `${live}-wal`, `${live}-shm`, `${live}-journal`].includes(path);

	let failure: Error | undefined;
	// Readability is settled here, before tar opens anything, so that an unreadable file is
	// named as such (not mistaken for an unwritable backup root) or skipped when asked.
	const readable = (rel: string, stat: Stats): boolean => {
		try {
			accessSync(join(dir, rel), stat.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
			return true;
		} catch {
			if (stat.isSymbolicLink()) return true;
			if (options.skipUnreadable) {
				options.warn(`${rel}: not readable, skipped`);
				return false;
			}
			failure ??= new StackBackupError('PERMISSION_DENIED', `Cannot read ${rel} in ${dir}`, {
				hint: 'Give the n8n user read access to it, exclude it, or turn on "Skip Unreadable Files".',
				details: { path: rel },
			});
			queueMicrotask(() => pack.emit('error', failure as never));
			return false;
		}
	};
	const pack = new Pack({
		cwd: dir,
		portable: false,
		// Pack filters added tar entries too: the snapshot entry (a ReadEntry) must pass the
		// rule that keeps the live database's raw files out, or the database would be lost.
		filter: (path: string, stat: unknown) => {
			if (stat instanceof ReadEntry) return true;
			const rel = path.replace(/^\.\//, '');
			if (skipLiveFiles(rel) || options.excluded?.(path)) return false;
			return readable(rel, stat as Stats);
		},
	});
	pack.on('warn', (code: string, message: string, data: { code?: string; path?: string }) => {
		const path = data?.path ? data.path.replace(`${dir}/`, '') : '';
		if ((data?.code === 'EACCES' || data?.code === 'EPERM') && !options.skipUnreadable) {
			failure ??= new StackBackupError('PERMISSION_DENIED', `Cannot read ${path || message} in ${dir}`, {
				hint: 'Give the n8n user read access to it, exclude it, or turn on "Skip Unreadable Files".',
				details: { path },
			});
			pack.emit('error', failure);
			return;
		}
		options.warn(`${path ? `${path}: ` : ''}${message} (${data?.code ?? code})`);
	});
	pack.add('.');
	if (live && staged) {
		const info = await fs.stat(staged);
		const entry = new ReadEntry(new Header({ path: `./${live}`, mode: 0o644, size: info.size, mtime: new Date(), type: 'File' }));
		pack.add(entry);
		createReadStream(staged).pipe(entry as unknown as NodeJS.WritableStream);
	}
	pack.end();
	return { stream: minipassToReadable(pack, (error) => sourceChanged(error, dir)), cleanup, sqliteSnapshot: live ?? null };
}
