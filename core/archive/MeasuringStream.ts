import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { STAGE_BUFFER_BYTES } from './stageBuffer';
import { noteStreamedBytes } from './youngGarbage';

export interface Measurement {
	bytes: number;
	sha256?: string;
}

/**
 * Pass-through that counts bytes and, when asked, hashes them in the same
 * pass, so a dump is read once. `onProgress` is called at most once per
 * `progressEveryBytes`.
 */
export class MeasuringStream extends Transform {
	private readonly hash: Hash | undefined;
	private count = 0;
	private nextProgressAt: number;

	constructor(options: { hash?: boolean; progressEveryBytes?: number; onProgress?: (bytes: number) => void } = {}) {
		super({ highWaterMark: STAGE_BUFFER_BYTES });
		this.hash = options.hash ? createHash('sha256') : undefined;
		this.progressEvery = options.progressEveryBytes ?? 64 * 1024 * 1024;
		this.nextProgressAt = this.progressEvery;
		this.onProgress = options.onProgress;
	}

	private readonly progressEvery: number;
	private readonly onProgress: ((bytes: number) => void) | undefined;

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
		this.count += chunk.length;
		noteStreamedBytes(chunk.length);
		this.hash?.update(chunk);
		if (this.onProgress && this.count >= this.nextProgressAt) {
			this.nextProgressAt = this.count + this.progressEvery;
			this.onProgress(this.count);
		}
		callback(null, chunk);
	}

	result(): Measurement {
		return { bytes: this.count, sha256: this.hash?.digest('hex') };
	}
}
