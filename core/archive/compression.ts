import type { Duplex, Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { BlockFeeder } from './BlockFeeder';
import { ParallelFrameCompressor, type FrameCodec } from './ParallelFrameCompressor';
import { findZstdProgram, zstdProgramDecompressor } from './zstdProgram';
import { invalidOption } from '../options/invalidOption';

export type Compression = 'zstd' | 'gzip' | 'none';
export const COMPRESSIONS: readonly Compression[] = ['zstd', 'gzip', 'none'];

const FILE_EXTENSIONS: Record<Compression, string> = { zstd: '.zst', gzip: '.gz', none: '' };

// zstd entered node:zlib in Node 22.15 / 23.8; n8n 2.x runs Node 24, but the
// CLI may run on an older Node, so every use goes through this check.
type ZstdZlib = typeof zlib & {
	createZstdCompress?: (options?: object) => Transform;
	createZstdDecompress?: (options?: object) => Transform;
	constants: typeof zlib.constants & { ZSTD_c_compressionLevel?: number };
};
const zstdZlib = zlib as ZstdZlib;

export function zstdAvailable(): boolean {
	return typeof zstdZlib.createZstdCompress === 'function';
}

export function defaultCompression(): Compression {
	return zstdAvailable() ? 'zstd' : 'gzip';
}

export function parseCompression(value: string | undefined): Compression {
	if (value === undefined || value === '' || value === 'default') return defaultCompression();
	if (!(COMPRESSIONS as readonly string[]).includes(value)) {
		throw invalidOption('compression', `Unknown compression "${value}"`, `Use one of: ${COMPRESSIONS.join(', ')}.`);
	}
	if (value === 'zstd' && !zstdAvailable()) {
		throw invalidOption(
			'compression',
			`zstd compression needs Node.js 22.15 or newer; this is ${process.version}`,
			'Choose gzip, or run on a newer Node.js (n8n 2.x always has zstd).',
		);
	}
	return value as Compression;
}

export function compressionExtension(compression: Compression): string {
	return FILE_EXTENSIONS[compression];
}

// Output chunks of zlib streams, both ways: large chunks keep per-chunk overhead low on multi-GB data.
const CHUNK_SIZE = 256 * 1024;

// What zlib streams have at run time (flush with a kind; reset, documented for every zlib class) but not all in their types.
type ZlibLane = Transform & { flush(kind: number, callback: () => void): void; reset(): void };

/** gzip in independent members: gunzip, zlib and every gzip reader read concatenated members as one file. */
export const gzipMembers: FrameCodec = {
	// A lane buffers up to one block of input, so the next block can go to another lane meanwhile.
	createLane: (blockSize) => zlib.createGzip({ level: 6, chunkSize: CHUNK_SIZE, highWaterMark: blockSize } as zlib.ZlibOptions),
	endFrame: (lane) =>
		new Promise((resolve) =>
			(lane as ZlibLane).flush(zlib.constants.Z_FINISH, () => {
				// A finished deflate stream starts a new gzip member (header and all) after a reset.
				(lane as ZlibLane).reset();
				resolve();
			}),
		),
};
const GZIP_BLOCK = 1024 * 1024;

// Level 2, measured (npm run bench, 2 cores): level 3 costs 40% more CPU than
// level 2, and on a 2-core machine pg_dump, the server and the compressor share
// the cores. Level 2 output was still smaller than gzip -6 on both the n8n-shaped
// dump (0.79x) and on plain JSON (0.98x); level 1 was 14% larger than gzip on JSON.
// zstd stays one stream, one frame: concatenated frames are valid zstd, but
// Node's own zstd decompressor silently stops after the first frame, and a
// backup must read back whole with any reader.
const ZSTD_LEVEL = 2;

/**
 * A compressing stream for `compression`, or null when nothing is to be
 * done. gzip compresses blocks in parallel on the thread pool (one deflate
 * stream is bound to one core, at a third of zstd's speed); zstd is fast
 * enough on one core to keep up with pg_dump, and is fed 1 MiB blocks.
 */
export function createCompressor(compression: Compression): Duplex | null {
	switch (compression) {
		case 'zstd':
			return new BlockFeeder(
				zstdZlib.createZstdCompress!({ chunkSize: CHUNK_SIZE, params: { [zstdZlib.constants.ZSTD_c_compressionLevel!]: ZSTD_LEVEL } }),
			);
		case 'gzip':
			return new ParallelFrameCompressor(gzipMembers, { blockSize: GZIP_BLOCK });
		case 'none':
			return null;
	}
}

/**
 * The zstd program when it is installed: it decompresses twice as fast as node:zlib's zstd
 * (587 MiB: 0.5 s against 1.0 s) and in a process of its own, while a restore shares 2 cores
 * with psql and the server. Without zstd in node:zlib (Node 20) the program is the only way,
 * or it says to install it.
 */
function zstdDecompressor(): Duplex | Transform {
	const program = findZstdProgram();
	if (program || !zstdAvailable()) return zstdProgramDecompressor(program ?? undefined);
	return zstdZlib.createZstdDecompress!({ chunkSize: CHUNK_SIZE });
}

/** The inverse of createCompressor; chosen from a manifest, never guessed from bytes. */
export function createDecompressor(compression: Compression): Transform | Duplex | null {
	switch (compression) {
		case 'zstd':
			return zstdDecompressor();
		case 'gzip':
			return zlib.createGunzip({ chunkSize: CHUNK_SIZE });
		case 'none':
			return null;
	}
}
