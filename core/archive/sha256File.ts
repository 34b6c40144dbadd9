import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** sha256 of a file, streamed: used to check an artifact against its manifest. */
export async function sha256File(path: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), hash);
	return hash.digest('hex');
}
