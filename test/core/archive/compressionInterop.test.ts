import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressor, createDecompressor } from '../../../core/archive/compression';
import { ParallelBlockCompressor } from '../../../core/archive/ParallelBlockCompressor';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipBlock = (block: Buffer) => promisify(gzip)(block, { level: 6 });

/** Compressible text with some randomness, `size` bytes, fed in odd-sized chunks. */
function sample(size: number): Buffer {
	const words = Array.from({ length: 200 }, () => randomBytes(6).toString('hex'));
	const parts: string[] = [];
	let n = 0;
	while (n < size) {
		const w = `${words[Math.floor(Math.random() * words.length)]} `;
		parts.push(w);
		n += w.length;
	}
	return Buffer.from(parts.join('')).subarray(0, size);
}

async function compress(input: Buffer, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	const pieces = [];
	for (let i = 0; i < input.length; i += 70_001) pieces.push(input.subarray(i, i + 70_001));
	await pipeline(Readable.from(pieces), transform, async function* (source) {
		for await (const c of source) chunks.push(c as Buffer);
		yield* [];
	});
	return Buffer.concat(chunks);
}

function countOccurrences(haystack: Buffer, needle: Buffer): number {
	let n = 0;
	for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) n++;
	return n;
}

describe('compressed artifacts are read by the standard tools', () => {
	it('parallel gzip (several members) decompresses with gunzip to the exact input bytes', async () => {
		const input = sample(5 * 1024 * 1024 + 12345);
		const gz = await compress(input, new ParallelBlockCompressor(gzipBlock, { blockSize: 1024 * 1024, concurrency: 3 }));
		const gunzip = spawnSync('gunzip', ['-c'], { input: gz, maxBuffer: 64 * 1024 * 1024 });
		expect(gunzip.status).toBe(0);
		expect(gunzip.stdout.equals(input)).toBe(true);
		expect(spawnSync('gzip', ['-t'], { input: gz }).status).toBe(0);
		// And with our own reader (zlib's gunzip of concatenated members).
		expect((await compress(gz, createDecompressor('gzip')!)).equals(input)).toBe(true);
	});

	it('parallel gzip of nothing is still a valid (empty) gzip file', async () => {
		const gz = await compress(Buffer.alloc(0), new ParallelBlockCompressor(gzipBlock));
		const gunzip = spawnSync('gunzip', ['-c'], { input: gz });
		expect(gunzip.status).toBe(0);
		expect(gunzip.stdout.length).toBe(0);
	});

	it('the gzip the backups use is the parallel one, no larger than gzip -6 by more than 1%', async () => {
		const input = sample(4 * 1024 * 1024);
		const ours = await compress(input, createCompressor('gzip')!);
		const reference = spawnSync('gzip', ['-6', '-c'], { input, maxBuffer: 64 * 1024 * 1024 }).stdout;
		expect(ours.length).toBeLessThanOrEqual(reference.length * 1.01);
		expect(spawnSync('gunzip', ['-c'], { input: ours, maxBuffer: 64 * 1024 * 1024 }).stdout.equals(input)).toBe(true);
	});

	it('zstd output (several frames, compressed in parallel) decompresses with the zstd CLI and with ours to the exact input bytes', async () => {
		const input = sample(9 * 1024 * 1024 + 4321);
		const zst = await compress(input, createCompressor('zstd')!);
		// zstd frames start with the magic 28 b5 2f fd: a 9 MiB input in 4 MiB blocks makes three.
		expect(countOccurrences(zst, Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBeGreaterThanOrEqual(3);
		const zstd = spawnSync('zstd', ['-d', '-c', '-q'], { input: zst, maxBuffer: 64 * 1024 * 1024 });
		expect(zstd.status).toBe(0);
		expect(zstd.stdout.equals(input)).toBe(true);
		expect((await compress(zst, createDecompressor('zstd')!)).equals(input)).toBe(true);
	});
});
