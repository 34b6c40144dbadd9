import { PassThrough, type Readable } from 'node:stream';

interface MinipassLike {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Minipass types its events generically
	on(event: string, listener: (...args: any[]) => void): unknown;
	pause(): void;
	resume(): void;
	destroy?(error?: Error): void;
}

/**
 * node-tar's streams are Minipass streams. Readable.from() over their async
 * iterator stalls when a Pack is fed parsed entries, so they are bridged with
 * plain 'data' events and explicit back-pressure instead.
 */
export function minipassToReadable(source: MinipassLike): Readable {
	const out = new PassThrough({ highWaterMark: 1024 * 1024 });
	source.on('data', (chunk: Buffer) => {
		if (!out.write(chunk)) {
			source.pause();
			out.once('drain', () => source.resume());
		}
	});
	source.on('end', () => out.end());
	let ended = false;
	source.on('end', () => (ended = true));
	source.on('error', (error: Error) => out.destroy(error));
	// When the archive fails or is abandoned, stop the source so it closes the files it holds open.
	out.on('close', () => {
		if (!ended) source.destroy?.();
	});
	return out;
}
