import { PassThrough, type Readable } from 'node:stream';
import { Parser, WriteEntryTar, type ReadEntry } from 'tar';

// A tar archive ends with two zero blocks.
const END_OF_ARCHIVE = Buffer.alloc(1024);

/**
 * A tar stream without the entries `keep` rejects. The Docker archive API
 * cannot leave paths out, so the tar is parsed and the kept entries written
 * again (node-tar's WriteEntryTar: the header re-encoded, the data as read),
 * one entry at a time, each with back-pressure, in order. node-tar's Pack
 * fed parsed entries stalled for good on large archives (its job queue), so
 * the entries are driven here instead.
 */
export function filterTar(archive: Readable, keep: (path: string, entry: ReadEntry) => boolean): Readable {
	const out = new PassThrough({ highWaterMark: 1024 * 1024 });
	const entries: ReadEntry[] = [];
	let parsed = false;
	let wake: (() => void) | undefined;
	const nudge = () => {
		wake?.();
		wake = undefined;
	};
	const parser = new Parser({
		filter: (path: string, entry) => keep(path, entry as ReadEntry),
		onReadEntry: (entry: ReadEntry) => {
			// The parser goes on to the next entry only once this one's data is read: the queue stays short.
			entries.push(entry);
			nudge();
		},
	});
	parser.on('end', () => {
		parsed = true;
		nudge();
	});
	const fail = (error: Error) => {
		if (!out.destroyed) out.destroy(error);
	};
	parser.on('error', fail);
	archive.on('error', fail);
	let stopCopy: (() => void) | undefined;
	// A consumer that stops early (or fails) lets go of the archive and of the entry being copied.
	out.on('close', () => {
		if (!parsed) archive.destroy();
		stopCopy?.();
	});
	archive.pipe(parser as unknown as NodeJS.WritableStream);

	(async () => {
		for (;;) {
			const entry = entries.shift();
			if (entry) {
				if (out.destroyed) return;
				await new Promise<void>((resolve, reject) => {
					stopCopy = resolve;
					copyEntry(new WriteEntryTar(entry, { portable: false }), out).then(resolve, reject);
				});
				continue;
			}
			if (parsed) break;
			await new Promise<void>((resolve) => (wake = resolve));
		}
		out.end(END_OF_ARCHIVE);
	})().catch(fail);
	return out;
}

// One entry's header and data into `out`, pausing the entry while `out` is full.
function copyEntry(entry: WriteEntryTar, out: PassThrough): Promise<void> {
	return new Promise((resolve, reject) => {
		entry.on('data', (chunk: Buffer) => {
			if (!out.write(chunk)) {
				entry.pause();
				out.once('drain', () => entry.resume());
			}
		});
		entry.on('end', () => resolve());
		entry.on('error', reject);
	});
}
