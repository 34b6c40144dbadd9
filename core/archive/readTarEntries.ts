import type { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';

/**
 * Reads a tar stream to its end, handing each entry to `onEntry`; bodies an
 * entry handler does not read are skipped. Rejects on a damaged archive.
 */
export function readTarEntries(archive: Readable, onEntry: (entry: ReadEntry) => void): Promise<void> {
	const parser = new Parser({
		onReadEntry: (entry: ReadEntry) => {
			onEntry(entry);
			entry.resume();
		},
	});
	return new Promise<void>((resolve, reject) => {
		parser.on('end', resolve);
		parser.on('error', reject);
		archive.on('error', reject);
		archive.pipe(parser as unknown as NodeJS.WritableStream);
	});
}
