import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecompressor, parseCompression, zstdAvailable } from '../../../core';
import { createCompressor } from '../../../core/archive/compression';
import { useTempDir } from '../../support/tempDir';

describe('compression', () => {
	it('defaults to zstd on the runtime n8n 2.x uses (Node >= 22.15)', () => {
		const [major, minor] = process.versions.node.split('.').map(Number);
		expect(zstdAvailable()).toBe(major > 22 || (major === 22 && minor >= 15));
		expect(parseCompression(undefined)).toBe(zstdAvailable() ? 'zstd' : 'gzip');
	});
	it('refuses an unknown compression with the list of choices', () => {
		expect(() => parseCompression('brotli')).toThrow(
			expect.objectContaining({ code: 'INVALID_INPUT', hint: expect.stringMatching(/zstd, gzip, none/) }),
		);
	});
	it.each(['zstd', 'gzip'] as const)('%s round-trips', async (c) => {
		const data = Buffer.from('n8n '.repeat(100_000));
		const out: Buffer[] = [];
		await pipeline(Readable.from([data]), createCompressor(c)!, createDecompressor(c)!, async function* (src) {
			for await (const chunk of src) out.push(chunk);
		});
		expect(Buffer.concat(out).equals(data)).toBe(true);
	});

	describe('zstd is read by the zstd program when it is installed (twice the speed, in its own process), else by node:zlib', () => {
		const tmp = useTempDir();
		const path = process.env.PATH;
		afterEach(() => {
			process.env.PATH = path;
		});
		it.each([
			['on PATH', true],
			['not on PATH', false],
		] as const)('the program %s', async (_how, onPath) => {
			// A zstd that notes each call, then runs the real one: which way was taken shows.
			const bin = join(tmp.path(), 'bin');
			const calls = join(tmp.path(), 'calls');
			mkdirSync(bin);
			const real = execFileSync('sh', ['-c', 'command -v zstd'], { env: { PATH: path } })
				.toString()
				.trim();
			writeFileSync(join(bin, 'zstd'), `#!/bin/sh\necho "$@" >> '${calls}'\nexec ${real} "$@"\n`, { mode: 0o755 });
			process.env.PATH = onPath ? `${bin}${delimiter}${path}` : '/nonexistent';
			const data = Buffer.from('{"workflow":"n8n"}\n'.repeat(200_000));
			const out: Buffer[] = [];
			await pipeline(Readable.from([data]), createCompressor('zstd')!, createDecompressor('zstd')!, async function* (src) {
				for await (const chunk of src) out.push(chunk);
			});
			expect(Buffer.concat(out).equals(data)).toBe(true);
			expect(existsSync(calls)).toBe(onPath);
		});
	});
});
