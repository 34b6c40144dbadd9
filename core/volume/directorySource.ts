import { once } from 'node:events';
import { closeSync, constants, fstatSync, openSync, promises as fs, read, readSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { Header, Pack, ReadEntry } from 'tar';
import { minipassToReadable } from '../archive/minipassToReadable';
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
const CHUNK = 1024 * 1024;
/** Files up to this size are read in one system call. */
const SMALL_FILE = 256 * 1024;
/** The longest the walk holds the event loop with system calls before it yields. */
const SYNC_SLICE_MS = 10;
const readAsync = promisify(read);

interface FileRead {
	/** Bytes read, up to the size the file had when opened. */
	read: number;
	/** The file had more bytes than that. */
	grew: boolean;
}
type ReadFileInto = (fd: number, size: number, take: (chunk: Buffer) => Promise<void>, stopped: () => boolean) => Promise<FileRead>;

/** A small file in one read, asking for one byte more than its size to see whether it grew. */
const readSmallFile: ReadFileInto = async (fd, size, take) => {
	const buffer = Buffer.allocUnsafe(size + 1);
	let filled = 0;
	for (let n = -1; n !== 0 && filled <= size; filled += n) n = readSync(fd, buffer, filled, size + 1 - filled, null);
	const read = Math.min(filled, size);
	if (read > 0) await take(buffer.subarray(0, read));
	return { read, grew: filled > size };
};

/** A large file chunk by chunk on the thread pool, then one byte more to see whether it grew. */
const readLargeFile: ReadFileInto = async (fd, size, take, stopped) => {
	let read = 0;
	while (read < size && !stopped()) {
		const chunk = Buffer.allocUnsafe(Math.min(size - read, CHUNK));
		const { bytesRead } = await readAsync(fd, chunk, 0, chunk.length, null);
		if (bytesRead === 0) break;
		await take(chunk.subarray(0, bytesRead));
		read += bytesRead;
	}
	if (read < size) return { read, grew: false };
	const { bytesRead } = await readAsync(fd, Buffer.alloc(1), 0, 1, null);
	return { read, grew: bytesRead > 0 };
};

async function exists(path: string): Promise<boolean> {
	return fs.access(path).then(() => true, () => false);
}

/** The live n8n SQLite database in the folder, if one is being written (it has a -wal file). */
async function liveSqlite(dir: string): Promise<string | undefined> {
	for (const rel of SQLITE_CANDIDATES) {
		if ((await exists(join(dir, rel))) && (await exists(join(dir, `${rel}-wal`)))) return rel;
	}
	return undefined;
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

/**
 * A host folder as a tar stream. The folder is walked here and node-tar packs
 * the entries (headers, pax records, padding), because node-tar's own walker
 * stops the archive when a file shrinks or vanishes under it, which is what
 * live data folders do. Here, as with GNU tar: a file is opened first and
 * its size taken from the open file; if it shrinks meanwhile the rest is
 * padded with zeros, if it grows only that size is kept, and a file that
 * vanishes is skipped: each with a warning for the manifest. An unreadable
 * file fails the archive naming it, unless `skipUnreadable`. A live n8n
 * SQLite database goes in as a consistent snapshot taken with SQLite's backup
 * API, in place of its raw files.
 */
export async function openDirectoryArchive(options: DirectorySourceOptions): Promise<{ stream: Readable; cleanup: () => Promise<void>; sqliteSnapshot: string | null }> {
	const { dir, warn } = options;
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
	const liveFiles = live ? new Set([live, `${live}-wal`, `${live}-shm`, `${live}-journal`]) : new Set<string>();

	const pack = new Pack({ portable: false });
	const stream = minipassToReadable(pack);
	let stopped = false;
	// Resolves when the archive is done with or abandoned (disk full...): no write may wait past it.
	const closed = new Promise<void>((resolve) => stream.on('close', () => ((stopped = true), resolve())));

	const unreadable = (rel: string) => {
		if (options.skipUnreadable) {
			warn(`${rel}: not readable, skipped`);
			return;
		}
		throw new StackBackupError('PERMISSION_DENIED', `Cannot read ${rel} in ${dir}`, {
			hint: 'Give the n8n user read access to it, exclude it, or turn on "Skip Unreadable Files".',
			details: { path: rel },
		});
	};

	const addEntry = async (header: ConstructorParameters<typeof Header>[0], body?: (entry: ReadEntry) => Promise<void>) => {
		const entry = new ReadEntry(new Header(header));
		pack.add(entry);
		if (body) await body(entry);
		entry.end();
	};
	const write = async (entry: ReadEntry, data: Buffer) => {
		if (!entry.write(data)) await Promise.race([once(entry as unknown as NodeJS.EventEmitter, 'drain'), closed]);
	};

	// Small files are read with plain system calls, in slices that give the event loop back
	// every few milliseconds: a thread-pool round trip per open, stat, read and close cost
	// more than the reads themselves on folders of many small files.
	let sliceStarted = performance.now();
	const yieldAfterSlice = async () => {
		if (performance.now() - sliceStarted < SYNC_SLICE_MS) return;
		await new Promise((resolve) => setImmediate(resolve));
		sliceStarted = performance.now();
	};

	const addFile = async (rel: string, abs: string, name = rel) => {
		let fd: number;
		try {
			// Since the folder was listed, the file may have been swapped: O_NOFOLLOW keeps a symlink
			// to a file outside the folder out of the archive, O_NONBLOCK keeps a FIFO from hanging the open.
			fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
		} catch (error) {
			if (errno(error) === 'ENOENT') return warn(`${rel}: vanished before it was read, skipped`);
			if (errno(error) === 'ELOOP') return warn(`${rel}: is no longer a regular file, skipped`);
			if (errno(error) === 'EACCES' || errno(error) === 'EPERM') return unreadable(rel);
			throw error;
		}
		try {
			const info = fstatSync(fd);
			if (!info.isFile()) return warn(`${rel}: is no longer a regular file, skipped`);
			await addEntry({ path: `./${name}`, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, size: info.size, mtime: info.mtime, type: 'File' }, async (entry) => {
				const readFile = info.size <= SMALL_FILE ? readSmallFile : readLargeFile;
				const { read, grew } = await readFile(fd, info.size, (chunk) => write(entry, chunk), () => stopped);
				if (read < info.size && !stopped) {
					warn(`${rel}: shrank by ${info.size - read} bytes while it was read; padded with zeros`);
					await write(entry, Buffer.alloc(info.size - read));
				}
				if (grew) warn(`${rel}: grew while it was read; kept its first ${info.size} bytes`);
			});
		} finally {
			closeSync(fd);
		}
		await yieldAfterSlice();
	};

	const walk = async (rel: string): Promise<void> => {
		const abs = rel ? join(dir, rel) : dir;
		let entries: Dirent[];
		try {
			entries = (await fs.readdir(abs, { withFileTypes: true })).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
		} catch (error) {
			if (errno(error) === 'ENOENT') return warn(`${rel}/: vanished before it was read, skipped`);
			if (errno(error) === 'EACCES' || errno(error) === 'EPERM') return unreadable(`${rel}/`);
			throw error;
		}
		for (const dirent of entries) {
			if (stopped) return;
			const childRel = rel ? `${rel}/${dirent.name}` : dirent.name;
			if (liveFiles.has(childRel) || options.excluded?.(`./${childRel}`)) continue;
			const childAbs = join(dir, childRel);
			// A regular file is stat-ed once it is open: the open file's stat is the one that counts.
			if (dirent.isFile()) {
				await addFile(childRel, childAbs);
				continue;
			}
			let info;
			try {
				info = await fs.lstat(childAbs);
			} catch (error) {
				if (errno(error) === 'ENOENT') {
					warn(`${childRel}: vanished before it was read, skipped`);
					continue;
				}
				throw error;
			}
			const owner = { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, mtime: info.mtime };
			if (info.isDirectory()) {
				await addEntry({ path: `./${childRel}/`, type: 'Directory', size: 0, ...owner });
				await walk(childRel);
			} else if (info.isSymbolicLink()) {
				const target = await fs.readlink(childAbs).catch(() => null);
				if (target === null) warn(`${childRel}: vanished before it was read, skipped`);
				else await addEntry({ path: `./${childRel}`, type: 'SymbolicLink', linkpath: target, size: 0, ...owner });
			} else if (info.isFile()) {
				await addFile(childRel, childAbs);
			} else {
				warn(`${childRel}: not a regular file, folder or link (socket, pipe or device), skipped`);
			}
		}
	};

	(async () => {
		await addEntry({ path: './', type: 'Directory', size: 0, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid, mtime: stat.mtime });
		await walk('');
		if (live && staged) await addFile(live, staged, live);
		pack.end();
	})().catch((error: Error) => pack.emit('error', error as never));

	return { stream, cleanup, sqliteSnapshot: live ?? null };
}
