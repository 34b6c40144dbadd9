// CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9, reversed 0x95ac9329ac4bc9b5),
// the checksum Redis writes at the end of every RDB file. No maintained npm package
// implements this variant; the algorithm is the standard table-driven reflected CRC,
// kept in two 32-bit halves because JavaScript has no fast 64-bit integers.
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
	let hi = 0;
	let lo = n;
	for (let k = 0; k < 8; k++) {
		const carry = lo & 1;
		lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
		hi = hi >>> 1;
		if (carry) {
			hi = (hi ^ POLY_HI) >>> 0;
			lo = (lo ^ POLY_LO) >>> 0;
		}
	}
	TABLE_HI[n] = hi;
	TABLE_LO[n] = lo;
}

/** Incremental CRC-64/Jones with init 0 and no final xor, as Redis computes it. */
export class Crc64 {
	private hi = 0;
	private lo = 0;

	update(bytes: Uint8Array): void {
		let hi = this.hi;
		let lo = this.lo;
		for (let i = 0; i < bytes.length; i++) {
			const index = (lo ^ bytes[i]) & 0xff;
			lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index];
			hi = (hi >>> 8) ^ TABLE_HI[index];
		}
		this.hi = hi >>> 0;
		this.lo = lo >>> 0;
	}

	/** The 8 bytes Redis stores: the CRC in little-endian order. */
	digestLE(): Buffer {
		const out = Buffer.alloc(8);
		out.writeUInt32LE(this.lo, 0);
		out.writeUInt32LE(this.hi, 4);
		return out;
	}
}
