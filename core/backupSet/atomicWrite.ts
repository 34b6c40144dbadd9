import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openPrivateFile } from './secureFs';

export function tempNameFor(name: string): string {
	return `.${name}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Writes `dir/name` through a temp name in the same folder, fsyncs, then
 * renames, so the final name only ever holds a whole file. On failure the
 * temp file is removed and the error is rethrown.
 */
export async function writeAtomically(
	dir: string,
	name: string,
	write: (handle: fs.FileHandle) => Promise<void>,
): Promise<void> {
	const tempPath = join(dir, tempNameFor(name));
	const handle = await openPrivateFile(tempPath);
	try {
		await write(handle);
		await handle.sync();
		await handle.close();
		await fs.rename(tempPath, join(dir, name));
	} catch (error) {
		await handle.close().catch(() => undefined);
		await fs.rm(tempPath, { force: true }).catch(() => undefined);
		throw error;
	}
}

/** Streams `stages` (source first) into `dir/name` atomically. */
export async function writeStreamAtomically(
	dir: string,
	name: string,
	stages: ReadonlyArray<NodeJS.ReadableStream | NodeJS.ReadWriteStream>,
): Promise<void> {
	await writeAtomically(dir, name, async (handle) => {
		// autoClose off: the handle is fsynced and closed by writeAtomically.
		const sink = handle.createWriteStream({ autoClose: false, highWaterMark: 1024 * 1024 }) as Writable;
		await pipeline([...stages, sink]);
	});
}

export async function writeFileAtomically(dir: string, name: string, content: string): Promise<void> {
	await writeAtomically(dir, name, (handle) => handle.writeFile(content));
}

/** fsync a folder so that a rename inside it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
	const handle = await fs.open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}
