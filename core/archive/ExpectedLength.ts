import { Transform, type TransformCallback } from 'node:stream';
import { StackBackupError } from '../errors/StackBackupError';

/**
 * Passes bytes through and, at the end, checks there were exactly as many as
 * the manifest recorded before compression. The sha256 proves the file on
 * disk; this proves it also decompressed whole, so a reader that stops early
 * (a truncated stream, a decoder that ends after one frame) fails loudly
 * instead of restoring part of a backup.
 */
export class ExpectedLength extends Transform {
	private seen = 0;

	constructor(
		private readonly expected: number | undefined,
		private readonly file: string,
	) {
		super({ highWaterMark: 1024 * 1024 });
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.seen += chunk.length;
		callback(null, chunk);
	}

	_flush(callback: TransformCallback): void {
		if (typeof this.expected !== 'number' || this.seen === this.expected) return callback();
		callback(lengthMismatch(this.file, this.seen, this.expected));
	}
}

export function lengthMismatch(file: string, seen: number, expected: number): StackBackupError {
	return new StackBackupError('CHECKSUM_MISMATCH', `${file} decompressed to ${seen} bytes; its manifest says ${expected}`, {
		hint: 'The artifact did not read back whole. Nothing should be trusted from this read; verify the set and use another one.',
		details: { file },
	});
}
