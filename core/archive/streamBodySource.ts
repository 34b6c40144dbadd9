import type { Readable } from 'node:stream';
import type { BodySource } from './TarBlockStream';

/** A tar entry's body read from a stream (an object in a bucket): what is read but not yet asked for waits here. */
export function streamBodySource(stream: Readable): BodySource {
	const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
	let pending: Buffer = Buffer.alloc(0);
	let ended = false;
	return async (buffer, offset, length) => {
		while (pending.length === 0 && !ended) {
			const next = await chunks.next();
			if (next.done) ended = true;
			else pending = next.value;
		}
		const take = Math.min(length, pending.length);
		pending.copy(buffer, offset, 0, take);
		pending = pending.subarray(take);
		return take;
	};
}
