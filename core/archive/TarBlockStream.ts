import { Readable } from 'node:stream';
import { Header, Pax, type HeaderData } from 'tar';

const TAR_BLOCK = 512;
/** What the stream hands downstream at a time: large enough that a folder of small files costs few chunks. */
const TAR_STREAM_CHUNK_BYTES = 1024 * 1024;

/**
 * Puts up to `length` bytes of an entry's body into `buffer` at `offset` and
 * says how many it put; 0 means the source has no more.
 */
export type BodySource = (buffer: Buffer, offset: number, length: number) => number | Promise<number>;

export interface BodyWritten {
	/** Bytes the source gave, at most the entry's size; the rest of the size was zeros. */
	written: number;
	/** The source had more than the entry's size; what was past it is not in the archive. */
	overflowed: boolean;
}

/** The fields of an entry's header that this stream writes (no user or group names, no atime or ctime). */
export type TarEntryHeader = Required<Pick<HeaderData, 'path' | 'type' | 'mode' | 'uid' | 'gid' | 'mtime'>> & {
	size?: number;
	linkpath?: string;
};

/**
 * A tar stream written straight into large chunks: headers are encoded in
 * place (node-tar's Header and Pax encoders, so the archive is what node-tar
 * would write) and entry bodies are read by the caller into the chunk itself.
 * node-tar's Pack makes a stream and several objects for every entry; on a
 * folder of tens of thousands of small files that churn made V8 grow its
 * young generation to its maximum. Here a folder costs one buffer per chunk.
 *
 * Methods wait while the reader pushes back, and return early once the
 * stream is destroyed; the caller checks `destroyed` to stop walking.
 */
export class TarBlockStream extends Readable {
	private chunk: Buffer;
	private filled = 0;
	private wake: (() => void) | null = null;

	constructor(private readonly chunkBytes = TAR_STREAM_CHUNK_BYTES) {
		super({ highWaterMark: chunkBytes });
		this.chunk = Buffer.allocUnsafe(chunkBytes);
	}

	_read() {
		this.wakeWriter();
	}

	_destroy(error: Error | null, callback: (error?: Error | null) => void) {
		this.wakeWriter();
		callback(error);
	}

	/** An entry's header, preceded by a pax header when a field does not fit ustar (long paths, large sizes). */
	async header(fields: TarEntryHeader): Promise<void> {
		// node-tar's Pax tells a Date by instanceof, which a Date made in another realm fails (fs.Stats
		// seen from a vm context, as under jest); it would then write the date as text, which GNU tar rejects.
		const header = new Header({ ...fields, size: fields.size ?? 0, mtime: new Date(fields.mtime.getTime()) });
		await this.room(TAR_BLOCK);
		if (this.destroyed) return;
		this.chunk.fill(0, this.filled, this.filled + TAR_BLOCK);
		if (!header.encode(this.chunk, this.filled)) {
			this.filled += TAR_BLOCK;
			return;
		}
		const ustar = Buffer.from(this.chunk.subarray(this.filled, this.filled + TAR_BLOCK));
		const { path, linkpath, size, uid, gid, mtime } = header;
		await this.copy(new Pax({ path, linkpath, size, uid, gid, mtime }).encode());
		await this.copy(ustar);
	}

	/**
	 * An entry's body of exactly `size` bytes from `source`, padded to the tar
	 * block. A source that ends early is padded with zeros, one that has more
	 * is cut; the result says which, so the caller can warn.
	 */
	async body(size: number, source: BodySource): Promise<BodyWritten> {
		let written = 0;
		let overflowed = false;
		while (written < size) {
			if (this.filled === this.chunk.length) await this.flush();
			if (this.destroyed) break;
			const room = this.chunk.length - this.filled;
			const want = Math.min(size - written, room);
			// The last read asks for one byte more when the chunk has room, to see whether the source has more.
			const ask = written + want === size && want < room ? want + 1 : want;
			const got = await source(this.chunk, this.filled, ask);
			if (got === 0) break;
			const kept = Math.min(got, want);
			overflowed = got > want;
			this.filled += kept;
			written += kept;
		}
		if (written === size && !overflowed && !this.destroyed) overflowed = (await this.probe(source)) > 0;
		await this.zeros(size - written + ((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK));
		return { written, overflowed };
	}

	/** The two zero blocks that end a tar archive, then the end of the stream. */
	async finish(): Promise<void> {
		await this.zeros(2 * TAR_BLOCK);
		await this.flush();
		if (!this.destroyed) this.push(null);
	}

	/** Asks the source for one byte past the end of the body; the byte lands where padding or the next header will overwrite it. */
	private async probe(source: BodySource): Promise<number> {
		if (this.filled < this.chunk.length) return source(this.chunk, this.filled, 1);
		return source(Buffer.allocUnsafe(1), 0, 1);
	}

	private async room(bytes: number): Promise<void> {
		if (this.filled + bytes > this.chunk.length) await this.flush();
	}

	private async copy(bytes: Buffer): Promise<void> {
		for (let at = 0; at < bytes.length; ) {
			if (this.filled === this.chunk.length) await this.flush();
			if (this.destroyed) return;
			const n = bytes.copy(this.chunk, this.filled, at);
			this.filled += n;
			at += n;
		}
	}

	private async zeros(count: number): Promise<void> {
		while (count > 0) {
			if (this.filled === this.chunk.length) await this.flush();
			if (this.destroyed) return;
			const n = Math.min(count, this.chunk.length - this.filled);
			this.chunk.fill(0, this.filled, this.filled + n);
			this.filled += n;
			count -= n;
		}
	}

	/** Hands the filled part of the chunk downstream and starts a new one, waiting while the reader pushes back. */
	private async flush(): Promise<void> {
		if (this.filled === 0 || this.destroyed) return;
		const full = this.filled === this.chunk.length ? this.chunk : this.chunk.subarray(0, this.filled);
		this.chunk = Buffer.allocUnsafe(this.chunkBytes);
		this.filled = 0;
		if (this.push(full)) return;
		await new Promise<void>((resolve) => (this.wake = resolve));
	}

	private wakeWriter() {
		const wake = this.wake;
		this.wake = null;
		wake?.();
	}
}
