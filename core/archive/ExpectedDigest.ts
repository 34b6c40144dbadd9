import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { StackBackupError } from '../errors/StackBackupError';
import { noteStreamedBytes } from './youngGarbage';

/**
 * Passes stored bytes through and, at their end, checks their size and sha256
 * against the manifest. Placed before the sink of a copy, it fails the write
 * before it completes, so a damaged artifact never arrives under its name;
 * in a restore it fails the read before its consumer commits.
 */
export class ExpectedDigest extends Transform {
	private readonly hash = createHash('sha256');
	private seen = 0;

	constructor(
		private readonly expected: { size: number; sha256: string },
		private readonly where: string,
		private readonly hint = 'The source was changed or damaged after the backup: it was not copied. Verify the source set; the copy of the other sets goes on.',
	) {
		super({ highWaterMark: 1024 * 1024 });
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.seen += chunk.length;
		noteStreamedBytes(chunk.length);
		this.hash.update(chunk);
		callback(null, chunk);
	}

	_flush(callback: TransformCallback): void {
		const actual = this.hash.digest('hex');
		if (this.seen === this.expected.size && actual === this.expected.sha256) return callback();
		callback(
			new StackBackupError(
				'CHECKSUM_MISMATCH',
				`${this.where} does not match its manifest (${this.seen} bytes, sha256 ${actual.slice(0, 12)}…)`,
				{
					hint: this.hint,
					details: { where: this.where },
				},
			),
		);
	}
}
