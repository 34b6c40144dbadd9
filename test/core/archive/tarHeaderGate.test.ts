import { Readable } from 'node:stream';
import { tarHeaderGate } from '../../../core/archive/tarHeaderGate';
import { rawTar, type RawEntry } from '../../support/hostileTar';

/** The tar in chunks of `size` bytes (headers cut across chunks) through the gate: what came out, and how it ended. */
async function throughGate(tar: Buffer, size: number, refuse: (path: string) => boolean) {
	const chunks = Array.from({ length: Math.ceil(tar.length / size) }, (_, i) => tar.subarray(i * size, (i + 1) * size));
	const out: Buffer[] = [];
	const seen: string[] = [];
	const gate = tarHeaderGate((path) => (seen.push(path), refuse(path) ? new Error(`refused ${path}`) : null));
	const ended = await new Promise<Error | null>((resolve) => {
		gate.on('data', (chunk: Buffer) => out.push(chunk));
		gate.on('end', () => resolve(null));
		gate.on('error', resolve);
		Readable.from(chunks).pipe(gate);
	});
	return { out: Buffer.concat(out), ended, seen };
}

describe('tarHeaderGate: a tar passed on unchanged, its headers checked on the way', () => {
	const entries: RawEntry[] = [
		{ path: 'ok.txt', type: 'File', body: 'fine\n'.repeat(300) },
		{ path: 'dir', type: 'Directory' },
		{ path: '../escape.txt', type: 'File', body: 'bad' },
		{ path: 'after.txt', type: 'File', body: 'after' },
	];
	const tar = rawTar(entries);
	// ok.txt: a header and 1500 bytes of body (3 blocks); dir: a header. The refused header starts here.
	const refusedAt = 512 + 1536 + 512;

	it.each([100, 512, 4096, 1 << 20])('an admitted archive comes out byte for byte (chunks of %i bytes)', async (size) => {
		const { out, ended, seen } = await throughGate(tar, size, () => false);
		expect(ended).toBeNull();
		expect(out.equals(tar)).toBe(true);
		expect(seen).toEqual(['ok.txt', 'dir', '../escape.txt', 'after.txt']);
	});

	it.each([100, 512, 700])(
		'the first refused entry ends the stream with its refusal, and the chunk that completes its header never leaves (chunks of %i bytes)',
		async (size) => {
			const { out, ended } = await throughGate(tar, size, (path) => path.includes('..'));
			expect(ended?.message).toBe('refused ../escape.txt');
			expect(out.length).toBeLessThan(refusedAt + 512);
			expect(out.equals(tar.subarray(0, out.length))).toBe(true);
		},
	);
});
