import type { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { minipassToReadable } from '../archive/minipassToReadable';
import type { StackBackupError } from '../errors/StackBackupError';
import { childPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { entryPath, unsafeEntryError, unsafeEntryReason } from './archiveEntryGuard';

/**
 * Writes each file of a volume archive as an object under the target prefix (its path as the
 * key), one after the other as the archive streams. Existing objects are kept unless
 * `overwrite`; folders and links are not objects and are skipped; an entry that could land
 * outside the prefix fails the restore.
 */
export async function extractIntoBucket(
	archive: Readable,
	target: Place,
	overwrite: boolean,
	artifact: string,
): Promise<{ written: number; kept: number }> {
	let written = 0;
	let kept = 0;
	let refusal: StackBackupError | undefined;
	let chain: Promise<void> = Promise.resolve();
	const parser = new Parser({
		onReadEntry: (entry: ReadEntry) => {
			const reason = unsafeEntryReason({ path: entry.path, type: entry.type, linkpath: entry.linkpath }, new Set());
			if (reason) refusal ??= unsafeEntryError(entry.path, reason, artifact);
			if (reason || entry.type !== 'File') {
				entry.resume();
				return;
			}
			const place = childPlace(target, entryPath(entry.path));
			const body = minipassToReadable(entry);
			// One upload at a time, in archive order. The archive is never paused here: the entry
			// being read must be able to finish. A later entry waits in its stream, whose
			// back-pressure holds the parser.
			chain = chain.then(async () => {
				if (!overwrite && (await place.storage.stat(place.key))) {
					kept++;
					body.resume();
				} else {
					// An empty object goes up as one; a stream of nothing would make the SDK warn about PutObject.
					if (entry.size === 0) {
						body.resume();
						await place.storage.writeText(place.key, '');
					} else await place.storage.write(place.key, [body]);
					written++;
				}
			});
			chain.catch((error: Error) => archive.destroy(error));
		},
	});
	await new Promise<void>((resolve, reject) => {
		parser.on('end', resolve);
		parser.on('error', reject);
		archive.on('error', reject);
		archive.pipe(parser as unknown as NodeJS.WritableStream);
	});
	await chain;
	if (refusal) throw refusal;
	return { written, kept };
}
