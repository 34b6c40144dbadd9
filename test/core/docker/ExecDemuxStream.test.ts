import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExecDemuxStream } from '../../../core/docker/ExecDemuxStream';

function frame(type: number, payload: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header[0] = type;
	header.writeUInt32BE(payload.length, 4);
	return Buffer.concat([header, payload]);
}

describe('ExecDemuxStream', () => {
	it('separates stdout from stderr even when headers and payloads are split across chunks', async () => {
		const wire = Buffer.concat([frame(1, Buffer.from('hello ')), frame(2, Buffer.from('warning\n')), frame(1, Buffer.from('world'))]);
		const chunks = [];
		for (let i = 0; i < wire.length; i += 3) chunks.push(wire.subarray(i, i + 3));
		const demux = new ExecDemuxStream();
		let out = '';
		await pipeline(Readable.from(chunks), demux, new Writable({ write: (c, _e, cb) => ((out += c), cb()) }));
		expect(out).toBe('hello world');
		expect(demux.stderr).toBe('warning\n');
	});

	it('keeps only the tail of a long stderr', async () => {
		const demux = new ExecDemuxStream(1024);
		const frames = Array.from({ length: 100 }, (_, i) => frame(2, Buffer.from(`line ${i} ${'x'.repeat(50)}\n`)));
		await pipeline(Readable.from(frames), demux, new PassThrough().resume());
		expect(demux.stderr.length).toBeLessThanOrEqual(1024 + 64);
		expect(demux.stderr).toContain('line 99');
	});

	it('applies back-pressure: a slow reader pauses the source instead of buffering everything', async () => {
		const payload = Buffer.alloc(64 * 1024, 1);
		let produced = 0;
		const total = 64 * 1024 * 1024; // 64 MiB through a reader that takes 1 ms per chunk
		const source = new Readable({
			read() {
				if (produced >= total) {
					this.push(null);
					return;
				}
				produced += payload.length;
				this.push(frame(1, payload));
			},
		});
		const demux = new ExecDemuxStream();
		let maxBuffered = 0;
		let consumed = 0;
		const slow = new Writable({
			highWaterMark: 64 * 1024,
			write(chunk, _e, cb) {
				consumed += chunk.length;
				maxBuffered = Math.max(maxBuffered, produced - consumed);
				setTimeout(cb, 0);
			},
		});
		await pipeline(source, demux, slow);
		expect(consumed).toBe(total);
		expect(maxBuffered).toBeLessThan(8 * 1024 * 1024);
	});
});
