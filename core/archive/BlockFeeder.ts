import { Duplex, type Transform } from 'node:stream';
import { STAGE_BUFFER_BYTES } from './stageBuffer';

export interface BlockFeederOptions {
	/** Bytes handed to the inner stream at a time (default 1 MiB). */
	blockSize?: number;
	/** Blocks that may exist at once: one filling, the rest queued or in the inner stream (default 3). */
	blocks?: number;
}

/**
 * Feeds an inner compressing stream whole blocks copied into a small pool of
 * reused buffers, and passes its output on.
 *
 * A pipe delivers a dump in pieces of a few KiB. Handing each piece to a
 * node:zlib stream costs a round trip to the thread pool per piece, some
 * 20,000 for 600 MiB; blocks of 1 MiB make that about 600. The blocks are
 * reused, so the compressor's input never adds allocations, and memory stays
 * at `blocks` x `blockSize` whatever the size of the data.
 *
 * The inner stream must be done with a chunk when the chunk's write callback
 * runs, as every node:zlib stream is: the block is filled again after that.
 */
export class BlockFeeder extends Duplex {
	private readonly blockSize: number;
	private readonly maxBlocks: number;
	private readonly free: Buffer[] = [];
	private allocated = 0;
	private block: Buffer | null = null;
	private filled = 0;
	private blocksInInner = 0;
	/** End of input, once every block is through. */
	private endWhenDrained: (() => void) | null = null;
	/** A write that waits for a block to come back. */
	private waiting: { chunk: Buffer; offset: number; callback: (error?: Error | null) => void } | null = null;

	constructor(
		private readonly inner: Transform,
		options: BlockFeederOptions = {},
	) {
		const blockSize = options.blockSize ?? 1024 * 1024;
		super({ writableHighWaterMark: STAGE_BUFFER_BYTES, readableHighWaterMark: blockSize });
		this.blockSize = blockSize;
		this.maxBlocks = Math.max(2, options.blocks ?? 3);
		inner.on('data', (chunk: Buffer) => {
			if (!this.push(chunk)) inner.pause();
		});
		inner.once('end', () => this.push(null));
		inner.on('error', (error) => this.destroy(error));
	}

	_read(): void {
		this.inner.resume();
	}

	_write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		this.fill(chunk, 0, callback);
	}

	_final(callback: (error?: Error | null) => void): void {
		if (this.filled > 0) this.sendBlock();
		// node:zlib ends a stream with a finishing flush even after a last chunk it already
		// finished; for zstd that second flush opens a new, empty frame. Ending only once the
		// inner stream has taken every block keeps the output one frame.
		this.endWhenDrained = () => {
			this.endWhenDrained = null;
			this.inner.end();
			callback();
		};
		if (this.blocksInInner === 0) this.endWhenDrained();
	}

	_destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		const waiting = this.waiting;
		this.waiting = null;
		this.inner.destroy();
		waiting?.callback(error ?? new Error('The compressor was closed before this write went through'));
		callback(error);
	}

	private fill(chunk: Buffer, from: number, callback: (error?: Error | null) => void): void {
		let offset = from;
		while (offset < chunk.length) {
			if (!this.block) {
				const block = this.takeBlock();
				if (!block) {
					// Every block is queued in the inner stream: go on when one comes back.
					this.waiting = { chunk, offset, callback };
					return;
				}
				this.block = block;
			}
			const copied = chunk.copy(this.block, this.filled, offset);
			offset += copied;
			this.filled += copied;
			if (this.filled === this.blockSize) this.sendBlock();
		}
		callback();
	}

	private takeBlock(): Buffer | null {
		const reused = this.free.pop();
		if (reused) return reused;
		if (this.allocated >= this.maxBlocks) return null;
		this.allocated++;
		return Buffer.allocUnsafeSlow(this.blockSize);
	}

	private sendBlock(): void {
		const block = this.block!;
		const length = this.filled;
		this.block = null;
		this.filled = 0;
		this.blocksInInner++;
		this.inner.write(block.subarray(0, length), (error) => {
			if (error) return; // the inner stream's 'error' destroys this one
			this.blocksInInner--;
			this.free.push(block);
			if (this.blocksInInner === 0) this.endWhenDrained?.();
			const waiting = this.waiting;
			this.waiting = null;
			if (waiting) this.fill(waiting.chunk, waiting.offset, waiting.callback);
		});
	}
}
