import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FILE_MODE } from './secureFs';

export function tempNameFor(name: string): string {
	return `.${name}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Writes `dir/name` through a temp name in the same folder, then renames, so
 * the final name only ever holds a whole file. `write` must create the temp
 * file exclusively and fsync it before it resolves. The file is 0600 whatever
 * the umask. On failure the temp file is removed and the error is rethrown.
 */
async function writeAtomically(dir: string, name: string, write: (tempPath: string) => Promise<void>): Promise<void> {
	const tempPath = join(dir, tempNameFor(name));
	try {
		await write(tempPath);
		await fs.chmod(tempPath, FILE_MODE);
		await fs.rename(tempPath, join(dir, name));
	} catch (error) {
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
	await writeAtomically(dir, name, async (tempPath) => {
		// flush: fsync before close, so a rename never points at data still in the page cache.
		const sink = createWriteStream(tempPath, { flags: 'wx', mode: FILE_MODE, flush: true, highWaterMark: 1024 * 1024 });
		await pipeline([...stages, sink]);
	});
}

export async function writeFileAtomically(dir: string, name: string, content: string): Promise<void> {
	await writeAtomically(dir, name, (tempPath) => fs.writeFile(tempPath, content, { flag: 'wx', mode: FILE_MODE, flush: true }));
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
