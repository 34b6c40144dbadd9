import { Transform, type TransformCallback } from 'node:stream';

const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;

/**
 * Splits Docker's multiplexed exec stream (8-byte frame headers) into stdout,
 * which this Transform emits, and stderr, of which it keeps the last
 * `stderrLimit` bytes. docker-modem's demuxStream writes on every 'data'
 * event and ignores back-pressure, so a fast pg_dump feeding a slower
 * compressor would pile up in memory; as a Transform this pauses the socket.
 */
export class ExecDemuxStream extends Transform {
	private pending: Buffer[] = [];
	private pendingBytes = 0;
	private frameType = -1;
	private frameRemaining = 0;
	private stderrChunks: Buffer[] = [];
	private stderrBytes = 0;

	constructor(private readonly stderrLimit = 64 * 1024) {
		super({ highWaterMark: 1024 * 1024 });
	}

	get stderr(): string {
		return Buffer.concat(this.stderrChunks).toString('utf8');
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
		let offset = 0;
		while (offset < chunk.length) {
			if (this.frameRemaining === 0) {
				// Collect a whole header, which may be split across chunks.
				const need = HEADER_BYTES - this.pendingBytes;
				const take = Math.min(need, chunk.length - offset);
				this.pending.push(chunk.subarray(offset, offset + take));
				this.pendingBytes += take;
				offset += take;
				if (this.pendingBytes < HEADER_BYTES) break;
				const header = Buffer.concat(this.pending);
				this.pending = [];
				this.pendingBytes = 0;
				this.frameType = header[0];
				this.frameRemaining = header.readUInt32BE(4);
				continue;
			}
			const take = Math.min(this.frameRemaining, chunk.length - offset);
			const payload = chunk.subarray(offset, offset + take);
			offset += take;
			this.frameRemaining -= take;
			if (this.frameType === STDOUT) this.push(payload);
			else if (this.frameType === STDERR) this.keepStderr(payload);
		}
		callback();
	}

	private keepStderr(payload: Buffer) {
		this.stderrChunks.push(Buffer.from(payload));
		this.stderrBytes += payload.length;
		while (this.stderrBytes > this.stderrLimit && this.stderrChunks.length > 1) {
			this.stderrBytes -= this.stderrChunks.shift()!.length;
		}
	}
}
