import { createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StackBackupError } from '../errors/StackBackupError';
import { formatBytes, freeBytes } from './freeSpace';

/** A file written into a private temp folder, and the undo that removes it. */
export interface StagedFile {
	path: string;
	remove: () => Promise<void>;
}

// Room beyond the file itself, so staging never fills the disk to its last byte.
const STAGING_MARGIN = 64 * 1024 * 1024;

/**
 * Writes `source` into a new 0600 file in a 0700 folder under the temp
 * folder, after checking there is room for `size` bytes. `checks` are
 * stages the bytes pass through on the way (a validator). A failed write
 * removes what it wrote: the caller gets a whole file or an error.
 */
export async function stageInTempFile(
	source: Readable,
	size: number,
	options: { fileName: string; why: string; checks?: Writable[] },
): Promise<StagedFile> {
	return stageWrittenFile((path) => pipeline([source, ...(options.checks ?? []), createWriteStream(path, { mode: 0o600 })]), size, {
		...options,
		onNoRoom: () => source.destroy(),
	});
}

/**
 * The same staging for a file that `write` makes itself at the path it is given (a program
 * that writes its output there): room checked first, the folder removed when it fails.
 */
export async function stageWrittenFile(
	write: (path: string) => Promise<void>,
	size: number,
	options: { fileName: string; why: string; onNoRoom?: () => void },
): Promise<StagedFile> {
	const free = await freeBytes(tmpdir());
	if (free < size + STAGING_MARGIN) {
		options.onNoRoom?.();
		throw new StackBackupError(
			'INSUFFICIENT_SPACE',
			`The temp folder ${tmpdir()} has ${formatBytes(free)} free; ${options.why}, so its ${formatBytes(size)} are staged there first`,
			{
				hint: 'Free space there or point TMPDIR at a larger disk. Nothing was restored.',
				details: { availableBytes: free, requiredBytes: size },
			},
		);
	}
	const dir = await fs.mkdtemp(join(tmpdir(), 'n8n-stack-restore-'));
	const path = join(dir, options.fileName);
	const remove = () => fs.rm(dir, { recursive: true, force: true });
	try {
		await write(path);
	} catch (error) {
		await remove();
		throw error;
	}
	return { path, remove };
}
