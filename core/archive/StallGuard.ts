import { Transform, type TransformCallback } from 'node:stream';

/**
 * Ends a stream whose source stopped sending: no byte for `limitMs` while
 * the stream is waiting for one. A server that froze (SIGSTOP, a dead disk, a
 * lost network) keeps its connection open, and without this a backup would
 * wait forever while its lock's heartbeat told everyone it was alive.
 *
 * Time spent waiting on the other side (bytes not yet taken downstream, a
 * slow upload) is never counted as a stall: that is back-pressure, and the
 * writer's own limits cover it.
 */
export class StallGuard extends Transform {
	private timer: NodeJS.Timeout | null = null;
	private lastByteAt = Date.now();

	constructor(
		private readonly limitMs: number,
		private readonly stalled: (seconds: number) => Error,
	) {
		super();
		this.arm();
	}

	private arm(): void {
		this.timer = setTimeout(() => this.check(), Math.max(50, this.limitMs - (Date.now() - this.lastByteAt)));
		this.timer.unref();
	}

	private check(): void {
		this.timer = null;
		if (this.destroyed || this.writableFinished) return;
		// Bytes still queued for downstream: the wait is theirs, not the source's.
		if (this.readableLength > 0 || this.writableLength > 0) this.lastByteAt = Date.now();
		if (Date.now() - this.lastByteAt >= this.limitMs) {
			this.destroy(this.stalled(Math.round(this.limitMs / 1000)));
			return;
		}
		this.arm();
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.lastByteAt = Date.now();
		callback(null, chunk);
	}

	_flush(callback: TransformCallback): void {
		this.stop();
		callback();
	}

	_destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		this.stop();
		callback(error);
	}

	private stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}
}
