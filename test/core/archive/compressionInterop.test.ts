import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressor, createDecompressor, gzipMembers } from '../../../core/archive/compression';
import { ParallelFrameCompressor } from '../../../core/archive/ParallelFrameCompressor';

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
		const gz = await compress(input, createCompressor('gzip')!);
		// Each member starts with 1f 8b 08: 1 MiB blocks of a 5 MiB input make six.
		expect(countOccurrences(gz, Buffer.from([0x1f, 0x8b, 0x08]))).toBeGreaterThanOrEqual(6);
		const gunzip = spawnSync('gunzip', ['-c'], { input: gz, maxBuffer: 64 * 1024 * 1024 });
		expect(gunzip.status).toBe(0);
		expect(gunzip.stdout.equals(input)).toBe(true);
		expect(spawnSync('gzip', ['-t'], { input: gz }).status).toBe(0);
		// And with our own reader (zlib's gunzip of concatenated members).
		expect((await compress(gz, createDecompressor('gzip')!)).equals(input)).toBe(true);
	});

	it('parallel gzip and zstd of nothing are still valid (empty) files', async () => {
		const gz = await compress(Buffer.alloc(0), createCompressor('gzip')!);
		const gunzip = spawnSync('gunzip', ['-c'], { input: gz });
		expect(gunzip.status).toBe(0);
		expect(gunzip.stdout.length).toBe(0);
		const zst = await compress(Buffer.alloc(0), createCompressor('zstd')!);
		const unzstd = spawnSync('zstd', ['-d', '-c', '-q'], { input: zst });
		expect(unzstd.status).toBe(0);
		expect(unzstd.stdout.length).toBe(0);
	});

	it('more lanes than blocks, and blocks of one byte, keep the input order', async () => {
		const input = sample(300_000);
		const gz = await compress(input, new ParallelFrameCompressor(gzipMembers, { blockSize: 1, concurrency: 5 }));
		expect(spawnSync('gunzip', ['-c'], { input: gz, maxBuffer: 8 * 1024 * 1024 }).stdout.equals(input)).toBe(true);
	});

	it('the gzip the backups use is the parallel one, no larger than gzip -6 by more than 1%', async () => {
		const input = sample(4 * 1024 * 1024);
		const ours = await compress(input, createCompressor('gzip')!);
		const reference = spawnSync('gzip', ['-6', '-c'], { input, maxBuffer: 64 * 1024 * 1024 }).stdout;
		expect(ours.length).toBeLessThanOrEqual(reference.length * 1.01);
		expect(spawnSync('gunzip', ['-c'], { input: ours, maxBuffer: 64 * 1024 * 1024 }).stdout.equals(input)).toBe(true);
	});

	it("zstd output is one frame, read whole by the zstd CLI and by Node's own decompressor (which stops after a first frame)", async () => {
		const input = sample(9 * 1024 * 1024 + 4321);
		const zst = await compress(input, createCompressor('zstd')!);
		// zstd frames start with the magic 28 b5 2f fd.
		expect(countOccurrences(zst, Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe(1);
		const zstd = spawnSync('zstd', ['-d', '-c', '-q'], { input: zst, maxBuffer: 64 * 1024 * 1024 });
		expect(zstd.status).toBe(0);
		expect(zstd.stdout.equals(input)).toBe(true);
		expect((await compress(zst, createDecompressor('zstd')!)).equals(input)).toBe(true);
	});
});
