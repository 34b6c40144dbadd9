import { pipeline, Transform, type Readable } from 'node:stream';
import { Header } from 'tar';

export interface SingleFileTarOptions {
	mode?: number;
	uid?: number;
	gid?: number;
}

/**
 * A tar stream holding one file whose size is known in advance (a manifest's
 * rawSize), so a decompressing stream can go into the Docker archive API
 * without being staged on disk first. A source of another size fails the
 * stream rather than producing a corrupt archive.
 */
export function singleFileTar(name: string, size: number, source: Readable, options: SingleFileTarOptions = {}): Readable {
	const header = Buffer.alloc(512);
	new Header({
		path: name,
		mode: options.mode ?? 0o600,
		uid: options.uid ?? 0,
		gid: options.gid ?? 0,
		size,
		mtime: new Date(),
		type: 'File',
	}).encode(header, 0);
	let written = 0;
	// The file's chunks pass on as they came (an async iterator would copy what is buffered into a new buffer at each step).
	const tar = new Transform({
		transform: (chunk: Buffer, _encoding, callback) => {
			written += chunk.length;
			if (written > size) return callback(new Error(`${name}: expected ${size} bytes, the source gave more`));
			callback(null, chunk);
		},
		flush: (callback) => {
			if (written !== size) return callback(new Error(`${name}: expected ${size} bytes, the source gave ${written}`));
			// Padding to a whole block, then the two zero blocks that end an archive.
			callback(null, Buffer.alloc(((512 - (size % 512)) % 512) + 1024));
		},
	});
	tar.push(header);
	pipeline(source, tar, () => undefined);
	return tar;
}
