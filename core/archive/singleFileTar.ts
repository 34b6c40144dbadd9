import { Readable } from 'node:stream';
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
	async function* blocks() {
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
		yield header;
		let written = 0;
		for await (const chunk of source as AsyncIterable<Buffer>) {
			written += chunk.length;
			if (written > size) break;
			yield chunk;
		}
		if (written !== size) throw new Error(`${name}: expected ${size} bytes, the source gave ${written > size ? 'more' : written}`);
		const padding = (512 - (size % 512)) % 512;
		if (padding) yield Buffer.alloc(padding);
		yield Buffer.alloc(1024);
	}
	return Readable.from(blocks(), { objectMode: false });
}
