import { closeSync, constants, fstatSync, openSync, promises as fs, read, readSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { TarBlockStream, type BodySource, type TarEntryHeader } from '../archive/TarBlockStream';
import { StackBackupError } from '../errors/StackBackupError';
import type { ExcludeMatcher } from './excludeMatcher';
import { snapshotSqlite } from './sqliteSnapshot';
import { aboutFields } from '../options/optionFields';

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
/** Files up to this size are read with system calls on the main thread, larger ones on the thread pool. */
const SMALL_FILE = 256 * 1024;
/** The longest the walk holds the event loop with system calls before it yields. */
const SYNC_SLICE_MS = 10;
const readAsync = promisify(read);

const readOnThread =
	(fd: number): BodySource =>
	async (buffer, offset, length) =>
		(await readAsync(fd, buffer, offset, length, null)).bytesRead;
const readInline =
	(fd: number): BodySource =>
	(buffer, offset, length) =>
		readSync(fd, buffer, offset, length, null);

async function exists(path: string): Promise<boolean> {
	return fs.access(path).then(
		() => true,
		() => false,
	);
}

async function firstExisting(dir: string, candidates: readonly string[]): Promise<string | null> {
	for (const rel of candidates) if (await exists(join(dir, rel))) return rel;
	return null;
}

/** The live n8n SQLite database in the folder, if one is being written (it has a -wal file). */
async function liveSqlite(dir: string): Promise<string | undefined> {
	for (const rel of SQLITE_CANDIDATES) {
		if ((await exists(join(dir, rel))) && (await exists(join(dir, `${rel}-wal`)))) return rel;
	}
	return undefined;
}

const ownerOf = (info: Stats): Pick<TarEntryHeader, 'mode' | 'uid' | 'gid' | 'mtime'> => ({
	mode: info.mode & 0o7777,
	uid: info.uid,
	gid: info.gid,
	mtime: info.mtime,
});
const errno = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

/** A live n8n SQLite database, copied consistently beside the set: archived in place of its raw files. */
export interface StagedSqlite {
	/** Its path in the folder, e.g. "database.sqlite"; null when there is none being written. */
	live: string | null;
	/** The staged copy (removed by `cleanup`). */
	staged?: string;
	/** The raw files the copy replaces: the database, its WAL, SHM and journal. */
	replaces: Set<string>;
	cleanup: () => Promise<void>;
}

/** Takes the SQLite snapshot (SQLite's backup API) when the folder holds a database being written. */
export async function stageLiveSqlite(dir: string, stagingDir: string): Promise<StagedSqlite> {
	const live = await liveSqlite(dir);
	if (!live) return { live: null, replaces: new Set(), cleanup: async () => undefined };
	const staged = join(stagingDir, `.sqlite-snapshot-${process.pid}.tmp`);
	const cleanup = () => fs.rm(staged, { force: true });
	try {
		await snapshotSqlite(join(dir, live), staged);
	} catch (error) {
		await cleanup().catch(() => undefined); // the snapshot's own error is the one to show
		throw error;
	}
	return { live, staged, replaces: new Set([live, `${live}-wal`, `${live}-shm`, `${live}-journal`]), cleanup };
}

/**
 * A host folder as a tar stream. The folder is walked here and written with
 * TarBlockStream, because node-tar's own walker stops the archive when a file
 * shrinks or vanishes under it, which is what live data folders do, and its
 * Pack costs several objects per file. Here, as with GNU tar: a file is opened first and
 * its size taken from the open file; if it shrinks meanwhile the rest is
 * padded with zeros, if it grows only that size is kept, and a file that
 * vanishes is skipped: each with a warning for the manifest. An unreadable
 * file fails the archive naming it, unless `skipUnreadable`. A live n8n
 * SQLite database goes in as a consistent snapshot taken with SQLite's backup
 * API, in place of its raw files.
 */
export async function openDirectoryArchive(options: DirectorySourceOptions): Promise<{
	stream: Readable;
	cleanup: () => Promise<void>;
	sqliteSnapshot: string | null;
	/** n8n's database as archived: the staged copy of a live one (until cleanup), or the file itself; null when none. */
	sqliteDatabase: string | null;
}> {
	const root = await fs.stat(options.dir).catch(() => null);
	if (!root?.isDirectory()) {
		throw new StackBackupError('SOURCE_NOT_FOUND', `${options.dir} is not a folder`, {
			hint: 'Give the absolute path of the folder to archive.',
		});
	}
	const sqlite = await stageLiveSqlite(options.dir, options.stagingDir);
	const archiver = new FolderArchiver(options, sqlite.replaces);
	archiver.archive(root, sqlite).catch((error: Error) => archiver.tar.destroy(error));
	const still = sqlite.staged ? null : await firstExisting(options.dir, SQLITE_CANDIDATES);
	return {
		stream: archiver.tar,
		cleanup: sqlite.cleanup,
		sqliteSnapshot: sqlite.live,
		sqliteDatabase: sqlite.staged ?? (still && !options.excluded?.(`./${still}`) ? join(options.dir, still) : null),
	};
}

/** Writes one folder's entries into a tar stream, in name order, as the walk finds them. */
export class FolderArchiver {
	readonly tar = new TarBlockStream();
	private sliceStarted = performance.now();

	constructor(
		private readonly options: DirectorySourceOptions,
		/** Paths left out because something else stands for them (the raw files of a staged database). */
		private readonly skipped: ReadonlySet<string> = new Set(),
	) {}

	/** The whole archive: the root folder, everything below it, the staged database, the end. */
	async archive(root: Stats, sqlite: Pick<StagedSqlite, 'live' | 'staged'>): Promise<void> {
		await this.tar.header({ path: './', type: 'Directory', ...ownerOf(root) });
		await this.walk('');
		if (sqlite.live && sqlite.staged) await this.addFile(sqlite.live, sqlite.staged, sqlite.live);
		await this.tar.finish();
	}

	/** One folder's entries, sorted by name, then each subfolder in turn. */
	async walk(rel: string): Promise<void> {
		const { dir, warn } = this.options;
		const abs = rel ? join(dir, rel) : dir;
		let entries: Dirent[];
		try {
			entries = (await fs.readdir(abs, { withFileTypes: true })).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
		} catch (error) {
			if (errno(error) === 'ENOENT') return warn(`${rel}/: vanished before it was read, skipped`);
			if (errno(error) === 'EACCES' || errno(error) === 'EPERM') return this.unreadable(`${rel}/`);
			throw error;
		}
		for (const dirent of entries) {
			if (this.tar.destroyed) return;
			const childRel = rel ? `${rel}/${dirent.name}` : dirent.name;
			if (this.skipped.has(childRel) || this.options.excluded?.(`./${childRel}`)) continue;
			// A regular file is stat-ed once it is open: the open file's stat is the one that counts.
			if (dirent.isFile()) await this.addFile(childRel, join(dir, childRel));
			else await this.addOther(childRel);
		}
	}

	/** A folder, a symlink, or whatever else a listed name turned out to be by now. */
	private async addOther(rel: string): Promise<void> {
		const { warn } = this.options;
		const abs = join(this.options.dir, rel);
		let info: Stats;
		try {
			info = await fs.lstat(abs);
		} catch (error) {
			if (errno(error) === 'ENOENT') return warn(`${rel}: vanished before it was read, skipped`);
			throw error;
		}
		if (info.isDirectory()) {
			await this.tar.header({ path: `./${rel}/`, type: 'Directory', ...ownerOf(info) });
			await this.walk(rel);
		} else if (info.isSymbolicLink()) {
			const target = await fs.readlink(abs).catch(() => null);
			if (target === null) warn(`${rel}: vanished before it was read, skipped`);
			else await this.tar.header({ path: `./${rel}`, type: 'SymbolicLink', linkpath: target, ...ownerOf(info) });
		} else if (info.isFile()) {
			await this.addFile(rel, abs);
		} else {
			warn(`${rel}: not a regular file, folder or link (socket, pipe or device), skipped`);
		}
	}

	/** One regular file, sized by its open descriptor; `name` is its path in the archive. */
	async addFile(rel: string, abs: string, name = rel): Promise<void> {
		const { warn } = this.options;
		let fd: number;
		try {
			// Since the folder was listed, the file may have been swapped: O_NOFOLLOW keeps a symlink
			// to a file outside the folder out of the archive, O_NONBLOCK keeps a FIFO from hanging the open.
			fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
		} catch (error) {
			if (errno(error) === 'ENOENT') return warn(`${rel}: vanished before it was read, skipped`);
			if (errno(error) === 'ELOOP') return warn(`${rel}: is no longer a regular file, skipped`);
			if (errno(error) === 'EACCES' || errno(error) === 'EPERM') return this.unreadable(rel);
			throw error;
		}
		try {
			const info = fstatSync(fd);
			if (!info.isFile()) return warn(`${rel}: is no longer a regular file, skipped`);
			await this.tar.header({ path: `./${name}`, type: 'File', size: info.size, ...ownerOf(info) });
			const { written, overflowed } = await this.tar.body(info.size, info.size <= SMALL_FILE ? readInline(fd) : readOnThread(fd));
			if (this.tar.destroyed) return;
			if (written < info.size) warn(`${rel}: shrank by ${info.size - written} bytes while it was read; padded with zeros`);
			if (overflowed) warn(`${rel}: grew while it was read; kept its first ${info.size} bytes`);
		} finally {
			closeSync(fd);
		}
		await this.yieldAfterSlice();
	}

	private unreadable(rel: string): void {
		if (this.options.skipUnreadable) return this.options.warn(`${rel}: not readable, skipped`);
		throw new StackBackupError('PERMISSION_DENIED', `Cannot read ${rel} in ${this.options.dir}`, {
			hint: 'Give the n8n user read access to it, exclude it, or skip unreadable files.',
			details: { path: rel, ...aboutFields('skipUnreadable') },
		});
	}

	// Small files are read with plain system calls, in slices that give the event loop back
	// every few milliseconds: a thread-pool round trip per open, stat, read and close cost
	// more than the reads themselves on folders of many small files.
	private async yieldAfterSlice(): Promise<void> {
		if (performance.now() - this.sliceStarted < SYNC_SLICE_MS) return;
		await new Promise((resolve) => setImmediate(resolve));
		this.sliceStarted = performance.now();
	}
}
