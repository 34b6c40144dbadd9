import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TarBlockStream, type BodySource } from '../../../core/archive/TarBlockStream';

const owner = { mode: 0o640, uid: process.getuid!(), gid: process.getgid!(), mtime: new Date('2026-01-02T03:04:05Z') };

/** A body source over bytes in memory that gives at most `slice` bytes a call, as a short read would. */
function bytesSource(data: Buffer, slice = Infinity): BodySource {
	let at = 0;
	return (buffer, offset, length) => {
		const n = data.copy(buffer, offset, at, Math.min(data.length, at + Math.min(length, slice)));
		at += n;
		return n;
	};
}

async function collect(tar: TarBlockStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	await pipeline(tar, new Writable({ write: (chunk: Buffer, _e, callback) => (chunks.push(Buffer.from(chunk)), callback()) }));
	return Buffer.concat(chunks);
}

/** Extracts with GNU tar, the reader the archive must satisfy. */
function extractWithGnuTar(archive: Buffer): string {
	const dir = mkdtempSync(join(tmpdir(), 'tar-block-'));
	writeFileSync(join(dir, '.archive.tar'), archive);
	execFileSync('tar', ['-xf', join(dir, '.archive.tar'), '-C', dir]);
	rmSync(join(dir, '.archive.tar'));
	return dir;
}

describe('TarBlockStream: a tar stream written straight into large chunks', () => {
	const dirs: string[] = [];
	afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

	it('writes folders, files of every padding, links and long names that GNU tar extracts exactly', async () => {
		// Small chunks, so headers, bodies and padding all cross chunk boundaries.
		const tar = new TarBlockStream(1536);
		const done = collect(tar);
		const bodies = [0, 1, 511, 512, 513, 1536, 5000].map((size) => randomBytes(size));
		const longDir = `./${'d'.repeat(120)}/`;
		const longFile = `${longDir}${'f'.repeat(200)}.json`;
		await tar.header({ path: './', type: 'Directory', ...owner, mode: 0o750 });
		for (const [i, body] of bodies.entries()) {
			await tar.header({ path: `./f${i}`, type: 'File', size: body.length, ...owner });
			expect(await tar.body(body.length, bytesSource(body, 700))).toEqual({ written: body.length, overflowed: false });
		}
		await tar.header({ path: longDir, type: 'Directory', ...owner, mode: 0o700 });
		await tar.header({ path: longFile, type: 'File', size: 3, ...owner });
		await tar.body(3, bytesSource(Buffer.from('abc')));
		await tar.header({ path: './link', type: 'SymbolicLink', linkpath: `f1/${'x'.repeat(150)}`, ...owner });
		await tar.finish();
		const archive = await done;
		expect(archive.length % 512).toBe(0);

		const dir = extractWithGnuTar(archive);
		dirs.push(dir);
		bodies.forEach((body, i) => expect(readFileSync(join(dir, `f${i}`)).equals(body)).toBe(true));
		expect(statSync(join(dir, 'f3')).mode & 0o7777).toBe(0o640);
		expect(statSync(join(dir, 'f3')).mtime.toISOString()).toBe('2026-01-02T03:04:05.000Z');
		expect(statSync(join(dir, longDir)).mode & 0o7777).toBe(0o700);
		expect(readFileSync(join(dir, longFile), 'utf8')).toBe('abc');
		expect(readlinkSync(join(dir, 'link'))).toBe(`f1/${'x'.repeat(150)}`);
	});

	it('pads a source that ends early with zeros, and cuts one that has more, saying which', async () => {
		for (const chunkBytes of [1024 * 1024, 1024]) {
			const tar = new TarBlockStream(chunkBytes);
			const done = collect(tar);
			await tar.header({ path: './shrank', type: 'File', size: 1000, ...owner });
			expect(await tar.body(1000, bytesSource(Buffer.alloc(600, 1)))).toEqual({ written: 600, overflowed: false });
			// 1024 bytes into a 1024-byte chunk: the byte past the end is asked for on its own.
			await tar.header({ path: './grew', type: 'File', size: 1024, ...owner });
			expect(await tar.body(1024, bytesSource(Buffer.alloc(1500, 2)))).toEqual({ written: 1024, overflowed: true });
			await tar.header({ path: './exact', type: 'File', size: 100, ...owner });
			expect(await tar.body(100, bytesSource(Buffer.alloc(100, 3)))).toEqual({ written: 100, overflowed: false });
			await tar.finish();
			const dir = extractWithGnuTar(await done);
			dirs.push(dir);
			expect(readFileSync(join(dir, 'shrank')).equals(Buffer.concat([Buffer.alloc(600, 1), Buffer.alloc(400)]))).toBe(true);
			expect(readFileSync(join(dir, 'grew')).equals(Buffer.alloc(1024, 2))).toBe(true);
			expect(readFileSync(join(dir, 'exact')).equals(Buffer.alloc(100, 3))).toBe(true);
		}
	});

	it('waits while nobody reads, holding about one chunk (memory stays flat)', async () => {
		const tar = new TarBlockStream(4096);
		const body = randomBytes(1024 * 1024);
		let finished = false;
		const writing = (async () => {
			await tar.header({ path: './big', type: 'File', size: body.length, ...owner });
			await tar.body(body.length, bytesSource(body));
			await tar.finish();
			finished = true;
		})();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(finished).toBe(false);
		expect(tar.readableLength).toBeLessThanOrEqual(2 * 4096);
		const archive = await collect(tar);
		await writing;
		const dir = extractWithGnuTar(archive);
		dirs.push(dir);
		expect(readFileSync(join(dir, 'big')).equals(body)).toBe(true);
	});

	it('lets a writer waiting on a reader go when the stream is destroyed, and then writes nothing more', async () => {
		const tar = new TarBlockStream(4096);
		let calls = 0;
		const counting: BodySource = (buffer, offset, length) => (calls++, buffer.fill(7, offset, offset + length), length);
		await tar.header({ path: './endless', type: 'File', size: 1024 * 1024, ...owner });
		const writing = tar.body(1024 * 1024, counting);
		await new Promise((resolve) => setTimeout(resolve, 20));
		const callsWhenStuck = calls;
		tar.destroy();
		const result = await writing;
		expect(result.written).toBeLessThan(1024 * 1024);
		expect(calls).toBe(callsWhenStuck);
		await tar.header({ path: './after', type: 'File', size: 1, ...owner });
		await tar.finish();
		expect(tar.destroyed).toBe(true);
	});
});
