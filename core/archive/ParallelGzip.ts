import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export interface ParallelGzipOptions {
	level?: number;
	/** Bytes of input per gzip member (default 1 MiB). */
	blockSize?: number;
	/** Members compressed at once on the libuv thread pool (default: the cores available). */
	concurrency?: number;
}

/**
 * gzip on every core: the input is cut into blocks, each compressed as an
 * independent gzip member on the libuv thread pool, and the members are
 * written in order. Concatenated members are one valid gzip file (RFC 1952),
 * which gunzip, zlib and pigz read. At most `concurrency` blocks are in
 * flight, so memory stays bounded whatever the input size.
 */
export class ParallelGzip extends Transform {
	private readonly level: number;
	private readonly blockSize: number;
	private readonly concurrency: number;
	private pending: Buffer[] = [];
	private pendingBytes = 0;
	private readonly inFlight: Array<Promise<Buffer>> = [];
	private sawInput = false;

	constructor(options: ParallelGzipOptions = {}) {
		super({ highWaterMark: 1024 * 1024 });
		this.level = options.level ?? 6;
		this.blockSize = options.blockSize ?? 1024 * 1024;
		this.concurrency = Math.max(1, options.concurrency ?? availableParallelism());
	}

	private startBlock(block: Buffer): void {
		const job = gzipAsync(block, { level: this.level });
		// Awaited in order below; a rejection meanwhile must not be reported as unhandled.
		job.catch(() => undefined);
		this.inFlight.push(job);
	}

	private takeBlock(size: number): Buffer {
		const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
		const block = all.subarray(0, size);
		const rest = all.subarray(size);
		this.pending = rest.length ? [rest] : [];
		this.pendingBytes = rest.length;
		return block;
	}

	private async drain(keep: number): Promise<void> {
		while (this.inFlight.length > keep) this.push(await this.inFlight.shift()!);
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.sawInput ||= chunk.length > 0;
		this.pending.push(chunk);
		this.pendingBytes += chunk.length;
		const work = async () => {
			while (this.pendingBytes >= this.blockSize) {
				this.startBlock(this.takeBlock(this.blockSize));
				await this.drain(this.concurrency - 1);
			}
		};
		work().then(() => callback(), callback);
	}

	_flush(callback: TransformCallback): void {
		// Empty input still makes one (empty) member: a valid gzip file.
		if (this.pendingBytes > 0 || !this.sawInput) this.startBlock(this.takeBlock(this.pendingBytes));
		this.drain(0).then(() => callback(), callback);
	}
}
