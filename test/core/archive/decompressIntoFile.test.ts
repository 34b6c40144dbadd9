import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressor } from '../../../core/archive/compression';
import { decompressIntoFile } from '../../../core/archive/decompressIntoFile';
import { zstdFailure } from '../../../core/archive/zstdProgram';
import { useTempDir } from '../../support/tempDir';

// Restores stage a custom-format dump by decompressing it straight into a file: through the zstd
// program when it is on PATH, through node:zlib when it is not. Both must give the same bytes and fail the same way.
describe('decompressIntoFile', () => {
	const tmp = useTempDir();
	const plain = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `row ${i}\t${(i * 7919) % 104729}\n`).join(''));
	let compressed: Buffer;
	const path = process.env.PATH;
	afterEach(() => {
		process.env.PATH = path;
	});
	beforeAll(async () => {
		const chunks: Buffer[] = [];
		await pipeline(Readable.from([plain]), createCompressor('zstd')!, async function* (source) {
			for await (const chunk of source) chunks.push(chunk as Buffer);
		});
		compressed = Buffer.concat(chunks);
	});
	const expected = { size: plain.length, file: 'n8n.pgdump.zst' };
	const ways = [
		['the zstd program', () => undefined],
		['node:zlib (no zstd on PATH)', () => void (process.env.PATH = '/nonexistent')],
	] as const;

	it.each(ways)('%s: writes the plain bytes into a new 0600 file', async (way, setUp) => {
		setUp();
		// A zstd on PATH that notes each call, then runs the real one: which way was taken shows.
		const bin = join(tmp.path(), 'bin');
		const calls = join(tmp.path(), 'calls');
		mkdirSync(bin);
		writeFileSync(
			join(bin, 'zstd'),
			`#!/bin/sh\necho "$@" >> '${calls}'\nexec ${execFileSync('sh', ['-c', 'command -v zstd'], { env: { PATH: path } })
				.toString()
				.trim()} "$@"\n`,
			{
				mode: 0o755,
			},
		);
		if (way === 'the zstd program') process.env.PATH = `${bin}${delimiter}${process.env.PATH}`;
		const target = join(tmp.path(), 'out.pgdump');
		await decompressIntoFile(Readable.from([compressed]), 'zstd', target, expected);
		expect(readFileSync(target).equals(plain)).toBe(true);
		expect(statSync(target).mode & 0o777).toBe(0o600);
		expect(existsSync(calls)).toBe(way === 'the zstd program');
	});

	// A flipped byte inside a frame is the sha256's to catch (checked on the stored bytes before this); a frame cut short is zstd's.
	it.each(ways)('%s: a stream cut short is refused, never written as if whole', async (_way, setUp) => {
		setUp();
		const cut = compressed.subarray(0, compressed.length - 10);
		await expect(decompressIntoFile(Readable.from([cut]), 'zstd', join(tmp.path(), 'cut.pgdump'), expected)).rejects.toThrow(
			/damaged|unexpected end|truncated|decompressed to \d+ bytes/i,
		);
	});

	it.each(ways)('%s: the source failing mid-way (a wrong key, a sha256 that does not match) is the error reported', async (_way, setUp) => {
		setUp();
		const half = compressed.subarray(0, Math.floor(compressed.length / 2));
		const failing = new Readable({
			read() {
				this.push(half);
				this.destroy(new Error('the sha256 of n8n.pgdump.zst does not match'));
			},
		});
		await expect(decompressIntoFile(failing, 'zstd', join(tmp.path(), 'half.pgdump'), expected)).rejects.toThrow(
			/sha256 of n8n.pgdump.zst/,
		);
	});

	it.each(ways)('%s: a stream one byte shorter than its manifest says fails with CHECKSUM_MISMATCH', async (_way, setUp) => {
		setUp();
		await expect(
			decompressIntoFile(Readable.from([compressed]), 'zstd', join(tmp.path(), 'short.pgdump'), { ...expected, size: plain.length + 1 }),
		).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
	});

	it("zstd's own failure into a file: a full disk is said as one, with where to make room; anything else as a damaged artifact", () => {
		expect(
			zstdFailure(70, 'zstd: error 70 : Write error : cannot write block : No space left on device', '/tmp/n8n-stack-restore-x'),
		).toMatchObject({
			code: 'INSUFFICIENT_SPACE',
			message: expect.stringContaining('/tmp/n8n-stack-restore-x'),
			hint: expect.stringMatching(/TMPDIR/),
		});
		expect(zstdFailure(1, 'zstd: /*stdin*\\: unsupported format').message).toMatch(
			/ended with 1: .*unsupported format \(the artifact is damaged\)/,
		);
	});

	it('never writes over a file that is there (the staged path is always new)', async () => {
		const target = join(tmp.path(), 'there.pgdump');
		writeFileSync(target, 'precious');
		await expect(decompressIntoFile(Readable.from([compressed]), 'zstd', target, expected)).rejects.toThrow();
		expect(readFileSync(target, 'utf8')).toBe('precious');
	});
});
