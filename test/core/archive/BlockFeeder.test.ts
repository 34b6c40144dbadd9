import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import { BlockFeeder } from '../../../core/archive/BlockFeeder';

/** Random bytes (so a reused block that still held old data would show) in pieces of odd sizes. */
function pieces(total: number, sizes: number[]): Buffer[] {
	const out: Buffer[] = [];
	for (let made = 0, i = 0; made < total; i++) {
		const piece = randomBytes(Math.min(sizes[i % sizes.length], total - made));
		out.push(piece);
		made += piece.length;
	}
	return out;
}

async function collect(source: NodeJS.ReadableStream, slow = false): Promise<Buffer> {
	const chunks: Buffer[] = [];
	await pipeline(
		source,
		new Writable({
			highWaterMark: 1,
			write(chunk: Buffer, _e, callback) {
				chunks.push(chunk);
				if (slow) sleep(1).then(() => callback());
				else callback();
			},
		}),
	);
	return Buffer.concat(chunks);
}

describe('BlockFeeder: a compressor fed whole blocks from a small reused pool', () => {
	it('hands over every byte in order while blocks are reused, with a slow reader holding the output back', async () => {
		const input = pieces(3 * 1024 * 1024 + 777, [4096, 70_001, 1, 300_000, 65_536]);
		const expected = Buffer.concat(input);
		// Small blocks, two of them: each is filled again many times over.
		const feeder = new BlockFeeder(zlib.createGzip({ level: 1 }), { blockSize: 64 * 1024, blocks: 2 });
		const compressed = await collect(Readable.from(input).pipe(feeder), true);
		expect(zlib.gunzipSync(compressed).equals(expected)).toBe(true);
	});

	it('takes a write larger than a block, and empty input', async () => {
		const big = randomBytes(5 * 1024 * 1024 + 3);
		const out = await collect(Readable.from([big]).pipe(new BlockFeeder(zlib.createGzip({ level: 1 }), { blockSize: 1024 * 1024 })));
		expect(zlib.gunzipSync(out).equals(big)).toBe(true);
		const empty = await collect(Readable.from([]).pipe(new BlockFeeder(zlib.createGzip())));
		expect(zlib.gunzipSync(empty).length).toBe(0);
	});

	it('allocates its blocks once, whatever the size of the data (memory stays flat)', async () => {
		const allocations = jest.spyOn(Buffer, 'allocUnsafeSlow');
		try {
			const chunk = randomBytes(64 * 1024);
			// 64 MiB through 1 MiB blocks: 64 blocks' worth, from a pool of 3.
			const source = Readable.from(
				(function* () {
					for (let i = 0; i < 1024; i++) yield chunk;
				})(),
			);
			const out = await collect(source.pipe(new BlockFeeder(zlib.createGzip({ level: 1 }), { blockSize: 1024 * 1024, blocks: 3 })));
			expect(out.length).toBeGreaterThan(64 * 1024);
			expect(allocations.mock.calls.filter(([size]) => size === 1024 * 1024).length).toBe(3);
		} finally {
			allocations.mockRestore();
		}
	});

	it('fails the pipeline when the inner stream fails (a decompressor fed garbage)', async () => {
		const garbage = Readable.from([Buffer.from('this is not gzip at all, not even close')]);
		await expect(collect(garbage.pipe(new BlockFeeder(zlib.createGunzip())))).rejects.toThrow(/incorrect header check/);
	});

	it('ends without hanging when it is destroyed while a write waits for a block', async () => {
		const feeder = new BlockFeeder(zlib.createGzip(), { blockSize: 16 * 1024, blocks: 2 });
		const failed = new Promise((resolve) => feeder.once('error', resolve));
		// Nobody reads the output: the inner stream stops, both blocks stay out, the next write waits.
		const written = new Promise<void>((resolve, reject) => feeder.write(randomBytes(1024 * 1024), (e) => (e ? reject(e) : resolve())));
		written.catch(() => undefined);
		await sleep(50);
		feeder.destroy(new Error('stopped by the test'));
		await expect(written).rejects.toThrow(/stopped by the test/);
		await expect(failed).resolves.toThrow(/stopped by the test/);
	});
});
