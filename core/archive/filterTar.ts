import type { Readable } from 'node:stream';
import { Pack, Parser, type ReadEntry } from 'tar';
import { minipassToReadable } from './minipassToReadable';

/**
 * A tar stream without the entries `keep` rejects. The Docker archive API
 * cannot leave paths out, so the tar is parsed and the remaining entries
 * re-packed, streaming both ways.
 */
export function filterTar(archive: Readable, keep: (path: string, entry: ReadEntry) => boolean): Readable {
	const pack = new Pack({ portable: false });
	const parser = new Parser({
		filter: (path: string, entry) => keep(path, entry as ReadEntry),
		onReadEntry: (entry: ReadEntry) => {
			pack.add(entry);
		},
	});
	parser.on('end', () => pack.end());
	parser.on('error', (e: Error) => pack.emit('error', e as never));
	archive.on('error', (e: Error) => pack.emit('error', e as never));
	archive.pipe(parser as unknown as NodeJS.WritableStream);
	return minipassToReadable(pack);
}
