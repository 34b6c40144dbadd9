import { Transform, type TransformCallback } from 'node:stream';
import { STAGE_BUFFER_BYTES } from '../archive/stageBuffer';
import { parseCopyHeader } from './copyText';

const NEWLINE = 0x0a;
// Inside a COPY block a line only matters if it is the 2-byte "\." terminator,
// so 3 bytes tell a terminator from a row. Outside, a whole COPY header must be
// read (a wide table's column list runs to many KiB); longer lines are DDL or
// function bodies, never a header.
const ROW_PREFIX = 3;
const HEADER_LIMIT = 1024 * 1024;

/**
 * Counts the rows of every COPY block in a plain dump as it streams by
 * (in COPY text format a row is exactly one line: newlines in values are
 * escaped). The counts are what the dump holds, and the database is not
 * scanned a second time to get them.
 */
export class CopyRowCounter extends Transform {
	readonly rows = new Map<string, number>();
	private current: string | null = null;
	private prefix: Buffer[] = [];
	private prefixLength = 0;
	private overflowed = false;

	constructor() {
		super({ highWaterMark: STAGE_BUFFER_BYTES });
	}

	private addToLine(part: Buffer): void {
		const limit = this.current === null ? HEADER_LIMIT : ROW_PREFIX;
		if (this.prefixLength + part.length > limit) this.overflowed = true;
		if (this.prefixLength >= limit) return;
		const take = part.subarray(0, limit - this.prefixLength);
		this.prefix.push(take);
		this.prefixLength += take.length;
	}

	private endLine(): void {
		const line = this.prefixLength ? Buffer.concat(this.prefix, this.prefixLength) : Buffer.alloc(0);
		if (this.current !== null) {
			if (line.length === 2 && line[0] === 0x5c && line[1] === 0x2e) this.current = null;
			else this.rows.set(this.current, (this.rows.get(this.current) ?? 0) + 1);
		} else if (!this.overflowed && line.length > 5 && line.toString('latin1', 0, 5) === 'COPY ') {
			const header = parseCopyHeader(line.toString('utf8'));
			if (header) {
				this.current = `${header.schema}.${header.table}`;
				this.rows.set(this.current, this.rows.get(this.current) ?? 0);
			}
		}
		this.prefix = [];
		this.prefixLength = 0;
		this.overflowed = false;
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		let start = 0;
		for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
			this.addToLine(chunk.subarray(start, nl));
			this.endLine();
			start = nl + 1;
		}
		if (start < chunk.length) this.addToLine(chunk.subarray(start));
		callback(null, chunk);
	}
}
