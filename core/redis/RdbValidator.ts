import { Transform, type TransformCallback } from 'node:stream';
import { StackBackupError } from '../errors/StackBackupError';
import { Crc64 } from './crc64';

export interface RdbCheck {
	rdbVersion: number;
	/** False when the server was configured with rdbchecksum no (the trailer is zero). */
	checksumVerified: boolean;
	bytes: number;
}

const HEADER = 9; // "REDIS" + 4 ASCII digits
const TRAILER = 8;

function invalid(problem: string): StackBackupError {
	return new StackBackupError('RDB_INVALID', `The Redis snapshot is not a valid RDB file: ${problem}`, {
		hint: 'Nothing was kept. Run the backup again; if it repeats, check the Redis server (redis-check-rdb on its dump file).',
	});
}

/**
 * Checks an RDB stream as it passes: the "REDIS" magic and version up front,
 * and the CRC-64 trailer (RDB version 5 and later) at the end. The last 8
 * bytes are held back until the stream ends, since only then is it known
 * that they are the trailer.
 */
export class RdbValidator extends Transform {
	private readonly crc = new Crc64();
	private head: Buffer[] = [];
	private headBytes = 0;
	private version = -1;
	private tail = Buffer.alloc(0);
	private total = 0;
	private check: RdbCheck | undefined;

	constructor() {
		super({ highWaterMark: 1024 * 1024 });
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
		this.total += chunk.length;
		if (this.version < 0) {
			this.head.push(chunk);
			this.headBytes += chunk.length;
			if (this.headBytes < HEADER) return callback();
			const all = Buffer.concat(this.head);
			this.head = [];
			const magic = all.subarray(0, 5).toString('latin1');
			const digits = all.subarray(5, 9).toString('latin1');
			if (magic !== 'REDIS' || !/^\d{4}$/.test(digits))
				return callback(invalid(`it starts with ${JSON.stringify(all.subarray(0, 9).toString('latin1'))}, not REDIS and a version`));
			this.version = Number(digits);
			chunk = all;
		}
		// Everything but the last 8 bytes seen so far is certainly not the trailer.
		const joined = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
		const cut = Math.max(0, joined.length - TRAILER);
		const body = joined.subarray(0, cut);
		this.tail = Buffer.from(joined.subarray(cut));
		this.crc.update(body);
		callback(null, body);
	}

	_flush(callback: TransformCallback) {
		if (this.version < 0) return callback(invalid(`only ${this.total} bytes arrived`));
		if (this.version >= 5) {
			if (this.tail.length < TRAILER) return callback(invalid('it is truncated (no checksum trailer)'));
			const stored = this.tail;
			const zero = stored.every((b) => b === 0);
			if (!zero && !stored.equals(this.crc.digestLE())) {
				return callback(invalid('the CRC-64 checksum does not match (damaged or truncated in transit)'));
			}
			this.check = { rdbVersion: this.version, checksumVerified: !zero, bytes: this.total };
		} else {
			this.crc.update(this.tail);
			this.check = { rdbVersion: this.version, checksumVerified: false, bytes: this.total };
		}
		callback(null, this.tail);
	}

	result(): RdbCheck {
		if (!this.check) throw invalid('the stream did not end');
		return this.check;
	}
}
