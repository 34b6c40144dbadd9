import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';

/**
 * Owner and mode of a path inside a container, read from the first header of
 * the archive API's tar (the stream is dropped right after). Files put back
 * with this owner stay readable by the service, which runs as that user.
 */
export async function pathOwner(container: Docker.Container, path: string): Promise<{ uid: number; gid: number; mode: number } | null> {
	let archive: Readable;
	try {
		archive = (await container.getArchive({ path })) as unknown as Readable;
	} catch {
		return null;
	}
	return new Promise((resolve) => {
		let settled = false;
		const finish = (value: { uid: number; gid: number; mode: number } | null) => {
			if (settled) return;
			settled = true;
			archive.unpipe();
			archive.destroy();
			resolve(value);
		};
		const parser = new Parser({
			onReadEntry: (entry: ReadEntry) => {
				finish({ uid: entry.uid ?? 0, gid: entry.gid ?? 0, mode: (entry.mode ?? 0o644) & 0o7777 });
				entry.resume();
			},
		});
		parser.on('error', () => finish(null));
		archive.on('error', () => finish(null));
		archive.on('end', () => finish(null));
		archive.pipe(parser as unknown as NodeJS.WritableStream);
	});
}
