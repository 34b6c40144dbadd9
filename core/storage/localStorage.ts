import { createReadStream, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { syncDir, writeFileAtomically, writeStreamAtomically } from './atomicWrite';
import { assertFreeSpace } from './freeSpace';
import { DIR_MODE, ensurePrivateDir } from './secureFs';
import { acquireSetLock } from './setLock';
import type { HeldLock, LockOptions, Storage, StoredEntry, UnfinishedUpload, WalkedFile, WriteReport, WriteStage } from './Storage';

function entryOf(name: string, stat: import('node:fs').Stats): StoredEntry {
	const kind = stat.isSymbolicLink() ? 'other' : stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
	return { name, kind, size: kind === 'file' ? stat.size : 0, modifiedAt: stat.mtime };
}

/**
 * Folders on this machine. A key is an absolute path. Files are written
 * through temp names and renamed, fsynced; folders are 0700 and files 0600.
 * Symlinks are reported as 'other' and never followed.
 */
/** How many entries of a folder are looked at (lstat) at once. */
const LIST_BATCH = 64;

export class LocalStorage implements Storage {
	readonly kind = 'local' as const;

	show(key: string): string {
		return key;
	}

	async write(key: string, stages: readonly WriteStage[]): Promise<WriteReport> {
		await writeStreamAtomically(dirname(key), basename(key), stages);
		return {};
	}

	async writeText(key: string, text: string): Promise<void> {
		await writeFileAtomically(dirname(key), basename(key), text);
		await syncDir(dirname(key));
	}

	read(key: string): Readable {
		return createReadStream(key, { highWaterMark: 1024 * 1024 });
	}

	async readText(key: string): Promise<string | null> {
		try {
			return await fs.readFile(key, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
	}

	async stat(key: string): Promise<StoredEntry | null> {
		const stat = await fs.lstat(key).catch(() => null);
		return stat ? entryOf(basename(key), stat) : null;
	}

	async list(folder: string): Promise<StoredEntry[]> {
		let names: string[];
		try {
			names = await fs.readdir(folder);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw error;
		}
		// A set folder holds a run folder a night for years: its entries are looked at a batch at a
		// time on libuv's thread pool, not one after the other.
		const entries: StoredEntry[] = [];
		for (let at = 0; at < names.length; at += LIST_BATCH) {
			const batch = names.slice(at, at + LIST_BATCH);
			const stats = await Promise.all(batch.map((name) => fs.lstat(join(folder, name)).catch(() => null)));
			stats.forEach((stat, i) => stat && entries.push(entryOf(batch[i], stat)));
		}
		return entries;
	}

	async *walk(folder: string): AsyncGenerator<WalkedFile> {
		const names = (await this.list(folder)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		for (const entry of names) {
			const key = join(folder, entry.name);
			if (entry.kind === 'file') yield { path: entry.name, key, size: entry.size, modifiedAt: entry.modifiedAt };
			else if (entry.kind === 'folder') for await (const inner of this.walk(key)) yield { ...inner, path: `${entry.name}/${inner.path}` };
		}
	}

	async remove(key: string): Promise<void> {
		await fs.unlink(key).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOENT') throw error;
		});
	}

	async removeEmptyFolder(folder: string): Promise<void> {
		await fs.rmdir(folder);
	}

	async makeFolder(folder: string): Promise<boolean> {
		await fs.mkdir(dirname(folder), { recursive: true, mode: DIR_MODE });
		const made = await ensurePrivateDir(folder);
		// A folder we may not write to fails here, before a lock or a file is attempted.
		await fs.access(folder, fs.constants.W_OK);
		return made;
	}

	async assertRoom(folder: string, bytes: number): Promise<void> {
		await assertFreeSpace(folder, bytes);
	}

	lock(folder: string, options: LockOptions): Promise<HeldLock> {
		return acquireSetLock(folder, options);
	}

	async unfinishedUploads(): Promise<UnfinishedUpload[]> {
		// A local write is a temp file, cleaned up with its run folder.
		return [];
	}

	async abortUpload(): Promise<void> {}
}
