import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';

/** How to make a compressing stream that can end a self-contained unit and go on. */
export interface FrameCodec {
	/** A long-lived compressing stream: one per lane, its context reused for every block. */
	createLane(blockSize: number): Transform;
	/** Ends the unit in progress (a zstd frame, a gzip member) so the next input starts a new one. */
	endFrame(lane: Transform): Promise<void>;
}

export interface ParallelFrameOptions {
	/** Bytes of input per unit (default 4 MiB). */
	blockSize?: number;
	/** Lanes compressing at once on the libuv thread pool (default: the cores available). */
	concurrency?: number;
}

interface Lane {
	stream: Transform;
	output: Buffer[];
}

/**
 * Compression on every core with flat memory. The input is cut into blocks;
 * each block goes to the next of a few lanes, long-lived zlib streams working
 * in parallel on the thread pool, and ends as a self-contained unit. The units
 * are written in input order: concatenated gzip members are one valid gzip
 * file (RFC 1952), which gunzip, zlib and every gzip reader read whole. (Not
 * used for zstd: Node's zstd decompressor stops after the first frame.)
 *
 * One-shot zlib calls per block were as fast but allocated a fresh multi-MiB
 * context each time, which the allocator kept: memory grew by about 100 MiB.
 * A lane keeps its context, and holds at most one block of input.
 */
export class ParallelFrameCompressor extends Transform {
	private readonly lanes: Lane[];
	private readonly blockSize: number;
	private next = 0;
	private open: { lane: Lane; bytes: number } | null = null;
	private readonly inFlight: Array<Promise<Buffer[]>> = [];
	private opened = false;

	constructor(
		private readonly codec: FrameCodec,
		options: ParallelFrameOptions = {},
	) {
		super({ highWaterMark: 1024 * 1024 });
		this.blockSize = options.blockSize ?? 4 * 1024 * 1024;
		const count = Math.max(1, options.concurrency ?? availableParallelism());
		this.lanes = Array.from({ length: count }, () => {
			const lane: Lane = { stream: codec.createLane(this.blockSize), output: [] };
			lane.stream.on('data', (chunk: Buffer) => lane.output.push(chunk));
			lane.stream.on('error', (error) => this.destroy(error));
			return lane;
		});
	}

	private async openBlock(): Promise<void> {
		// The lane to use next holds the oldest block in flight: its output goes out first.
		if (this.inFlight.length >= this.lanes.length) await this.pushOldest();
		this.open = { lane: this.lanes[this.next], bytes: 0 };
		this.next = (this.next + 1) % this.lanes.length;
		this.opened = true;
	}

	private closeBlock(): void {
		const { lane } = this.open!;
		this.open = null;
		const output = this.codec
			.endFrame(lane.stream)
			// Output of the last write may still be on its way through the stream's own queue.
			.then(() => new Promise<void>((resolve) => setImmediate(resolve)))
			.then(() => lane.output.splice(0));
		output.catch(() => undefined); // awaited in order by pushOldest
		this.inFlight.push(output);
	}

	private async pushOldest(): Promise<void> {
		for (const chunk of await this.inFlight.shift()!) this.push(chunk);
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		const work = async () => {
			if (!this.open) await this.openBlock();
			const { stream } = this.open!.lane;
			if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
			this.open!.bytes += chunk.length;
			if (this.open!.bytes >= this.blockSize) this.closeBlock();
		};
		work().then(() => callback(), callback);
	}

	_flush(callback: TransformCallback): void {
		const work = async () => {
			// Empty input still makes one (empty) unit: a valid gzip or zstd file.
			if (!this.opened) await this.openBlock();
			if (this.open) this.closeBlock();
			while (this.inFlight.length) await this.pushOldest();
		};
		work().then(() => callback(), callback);
	}

	_destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		for (const lane of this.lanes) lane.stream.destroy();
		callback(error);
	}
}
