import { Transform, type TransformCallback } from 'node:stream';
import { STAGE_BUFFER_BYTES } from '../archive/stageBuffer';
import { parseCopyHeader } from './copyText';

const NEWLINE = 0x0a;
// Outside a COPY block a whole header must be read (a wide table's column list
// runs to many KiB); longer lines are DDL or function bodies, never a header.
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
	/** Rows of the COPY block being read, set into `rows` at its end. */
	private currentRows = 0;
	private prefix: Buffer[] = [];
	private prefixLength = 0;
	private overflowed = false;
	/** A row's length so far and its first two bytes: all a terminator check needs. */
	private rowLength = 0;
	private rowFirst = -1;
	private rowSecond = -1;

	constructor() {
		super({ highWaterMark: STAGE_BUFFER_BYTES });
	}

	/** Outside a COPY block: keeps the line's start (a header is read whole, up to its limit). */
	private addToLine(part: Buffer): void {
		if (this.prefixLength + part.length > HEADER_LIMIT) this.overflowed = true;
		if (this.prefixLength >= HEADER_LIMIT) return;
		const take = part.subarray(0, HEADER_LIMIT - this.prefixLength);
		this.prefix.push(take);
		this.prefixLength += take.length;
	}

	/**
	 * Inside a COPY block: notes a row's length and first two bytes without
	 * allocating. Rows are most of a dump, millions of lines; a buffer per row
	 * put the process into a full garbage collection every few hundred ms.
	 */
	private addToRow(chunk: Buffer, start: number, end: number): void {
		const n = end - start;
		if (this.rowLength === 0 && n > 0) this.rowFirst = chunk[start];
		if (this.rowLength <= 1 && this.rowLength + n >= 2) this.rowSecond = chunk[start + 1 - this.rowLength];
		this.rowLength += n;
	}

	private endRow(): void {
		if (this.rowLength === 2 && this.rowFirst === 0x5c && this.rowSecond === 0x2e) {
			this.rows.set(this.current!, this.currentRows);
			this.current = null;
		} else this.currentRows++;
		this.rowLength = 0;
	}

	private endLine(): void {
		const line = this.prefixLength ? Buffer.concat(this.prefix, this.prefixLength) : Buffer.alloc(0);
		if (!this.overflowed && line.length > 5 && line.toString('latin1', 0, 5) === 'COPY ') {
			const header = parseCopyHeader(line.toString('utf8'));
			if (header) {
				this.current = `${header.schema}.${header.table}`;
				this.currentRows = this.rows.get(this.current) ?? 0;
				this.rows.set(this.current, this.currentRows);
			}
		}
		this.prefix = [];
		this.prefixLength = 0;
		this.overflowed = false;
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		let start = 0;
		for (;;) {
			const nl = chunk.indexOf(NEWLINE, start);
			const end = nl === -1 ? chunk.length : nl;
			if (this.current !== null) this.addToRow(chunk, start, end);
			else if (end > start) this.addToLine(chunk.subarray(start, end));
			if (nl === -1) break;
			if (this.current !== null) this.endRow();
			else this.endLine();
			start = nl + 1;
		}
		callback(null, chunk);
	}

	_flush(callback: TransformCallback): void {
		// A dump cut inside a COPY block still reports the rows it holds.
		if (this.current !== null) this.rows.set(this.current, this.currentRows);
		callback();
	}
}
