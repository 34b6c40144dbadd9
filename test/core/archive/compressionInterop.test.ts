import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressor, createDecompressor } from '../../../core/archive/compression';
import { ParallelGzip } from '../../../core/archive/ParallelGzip';

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

describe('compressed artifacts are read by the standard tools', () => {
	it('parallel gzip (several members) decompresses with gunzip to the exact input bytes', async () => {
		const input = sample(5 * 1024 * 1024 + 12345);
		const gz = await compress(input, new ParallelGzip({ blockSize: 1024 * 1024, concurrency: 3 }));
		const gunzip = spawnSync('gunzip', ['-c'], { input: gz, maxBuffer: 64 * 1024 * 1024 });
		expect(gunzip.status).toBe(0);
		expect(gunzip.stdout.equals(input)).toBe(true);
		expect(spawnSync('gzip', ['-t'], { input: gz }).status).toBe(0);
		// And with our own reader (zlib's gunzip of concatenated members).
		expect((await compress(gz, createDecompressor('gzip')!)).equals(input)).toBe(true);
	});

	it('parallel gzip of nothing is still a valid (empty) gzip file', async () => {
		const gz = await compress(Buffer.alloc(0), new ParallelGzip());
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

	it('zstd output decompresses with the zstd CLI to the exact input bytes', async () => {
		const input = sample(3 * 1024 * 1024);
		const zst = await compress(input, createCompressor('zstd')!);
		const zstd = spawnSync('zstd', ['-d', '-c', '-q'], { input: zst, maxBuffer: 64 * 1024 * 1024 });
		expect(zstd.status).toBe(0);
		expect(zstd.stdout.equals(input)).toBe(true);
	});
});
