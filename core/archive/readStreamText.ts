import type { Readable } from 'node:stream';

/** The whole output of a short-lived command (a version string, a redis-cli reply) as text. */
export async function readStreamText(stream: Readable): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}
