import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';

/** Compresses one block into one self-contained unit (a gzip member, a zstd frame), off the main thread. */
export type BlockCompressor = (block: Buffer) => Promise<Buffer>;

export interface ParallelBlockOptions {
	/** Bytes of input per block (default 1 MiB). */
	blockSize?: number;
	/** Blocks compressed at once on the libuv thread pool (default: the cores available). */
	concurrency?: number;
}

/**
 * Compression on every core: the input is cut into blocks, each compressed
 * as a self-contained unit on the libuv thread pool, and the units are
 * written in order. Concatenated gzip members are one valid gzip file
 * (RFC 1952) and concatenated zstd frames one valid zstd stream, so gunzip,
 * zstd and zlib read the result as usual. A single zlib stream is bound to
 * one core; this is not. At most `concurrency` blocks are in flight, so
 * memory stays bounded whatever the input size.
 */
export class ParallelBlockCompressor extends Transform {
	private readonly compress: BlockCompressor;
	private readonly blockSize: number;
	private readonly concurrency: number;
	private pending: Buffer[] = [];
	private pendingBytes = 0;
	private readonly inFlight: Array<Promise<Buffer>> = [];
	private sawInput = false;

	constructor(compress: BlockCompressor, options: ParallelBlockOptions = {}) {
		super({ highWaterMark: 1024 * 1024 });
		this.compress = compress;
		this.blockSize = options.blockSize ?? 1024 * 1024;
		this.concurrency = Math.max(1, options.concurrency ?? availableParallelism());
	}

	private startBlock(block: Buffer): void {
		const job = this.compress(block);
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
		// Empty input still makes one (empty) unit: a valid gzip or zstd file.
		if (this.pendingBytes > 0 || !this.sawInput) this.startBlock(this.takeBlock(this.pendingBytes));
		this.drain(0).then(() => callback(), callback);
	}
}
