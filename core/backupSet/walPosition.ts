/**
 * Positions in Postgres' write-ahead log (LSNs, "3/FC000028") and the names of the segment
 * files that hold them ("0000000100000003000000FC": timeline, then the segment number in two
 * halves). Pure arithmetic, shared by collection, restore and retention.
 */

const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;
const SEGMENT = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;
const HISTORY = /^([0-9A-F]{8})\.history$/;

export function parseLsn(text: string): bigint {
	const m = LSN.exec(text.trim());
	if (!m) throw new Error(`"${text}" is not a WAL position`);
	return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
	return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

const hex8 = (n: bigint | number) => n.toString(16).toUpperCase().padStart(8, '0');

export function segmentsPerId(segmentSize: number): bigint {
	return 0x100000000n / BigInt(segmentSize);
}

/** The number of the segment that holds `lsn`. */
export function segmentNumber(lsn: bigint, segmentSize: number): bigint {
	return lsn / BigInt(segmentSize);
}

export function segmentName(timeline: number, segno: bigint, segmentSize: number): string {
	const per = segmentsPerId(segmentSize);
	return `${hex8(timeline)}${hex8(segno / per)}${hex8(segno % per)}`;
}

/** A segment file's timeline and number; null for any other name (a history file, a stranger). */
export function parseSegmentName(name: string, segmentSize: number): { timeline: number; segno: bigint } | null {
	const m = SEGMENT.exec(name);
	if (!m) return null;
	return { timeline: parseInt(m[1], 16), segno: BigInt(`0x${m[2]}`) * segmentsPerId(segmentSize) + BigInt(`0x${m[3]}`) };
}

export function isHistoryFileName(name: string): boolean {
	return HISTORY.test(name);
}

export function timelineFolderName(timeline: number): string {
	return hex8(timeline);
}
