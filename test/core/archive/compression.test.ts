import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecompressor, parseCompression, zstdAvailable } from '../../../core';
import { createCompressor } from '../../../core/archive/compression';

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
});
