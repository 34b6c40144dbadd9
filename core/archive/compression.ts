import type { Transform } from 'node:stream';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { invalidInput } from '../errors/StackBackupError';
import { ParallelBlockCompressor } from './ParallelBlockCompressor';

export type Compression = 'zstd' | 'gzip' | 'none';
export const COMPRESSIONS: readonly Compression[] = ['zstd', 'gzip', 'none'];

const FILE_EXTENSIONS: Record<Compression, string> = { zstd: '.zst', gzip: '.gz', none: '' };

// zstd entered node:zlib in Node 22.15 / 23.8; n8n 2.x runs Node 24, but the
// CLI may run on an older Node, so every use goes through this check.
type ZstdZlib = typeof zlib & {
	zstdCompress?: (buffer: Buffer, options: object, callback: (error: Error | null, result: Buffer) => void) => void;
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
		throw invalidInput(`Unknown compression "${value}"`, `Use one of: ${COMPRESSIONS.join(', ')}.`);
	}
	if (value === 'zstd' && !zstdAvailable()) {
		throw invalidInput(
			`zstd compression needs Node.js 22.15 or newer; this is ${process.version}`,
			'Choose gzip, or run on a newer Node.js (n8n 2.x always has zstd).',
		);
	}
	return value as Compression;
}

export function compressionExtension(compression: Compression): string {
	return FILE_EXTENSIONS[compression];
}

// Large chunks keep per-chunk overhead low on multi-GB restores.
const CHUNK_SIZE = 256 * 1024;

const gzipBlock = promisify(zlib.gzip);
// One output chunk per block: the default 16 KiB chunks cost a thread-pool round trip each.
const GZIP_OPTIONS = { level: 6, chunkSize: 1024 * 1024 };
// zstd gains from a larger window than gzip, so its blocks are larger.
const ZSTD_BLOCK = 4 * 1024 * 1024;

// Level 3 is zstd's own default: the benchmark showed it beats gzip -6 on size at a fraction of the time.
const ZSTD_LEVEL = 3;

function zstdBlock(block: Buffer): Promise<Buffer> {
	const options = { chunkSize: ZSTD_BLOCK, params: { [zstdZlib.constants.ZSTD_c_compressionLevel!]: ZSTD_LEVEL } };
	return new Promise((resolve, reject) =>
		zstdZlib.zstdCompress!(block, options, (error, result) => (error ? reject(error) : resolve(result))),
	);
}

/**
 * A compressing Transform for `compression`, or null when nothing is to be
 * done. Both compress blocks in parallel on the thread pool: one zlib stream
 * is bound to a single core and was the slowest stage of a dump.
 */
export function createCompressor(compression: Compression): Transform | null {
	switch (compression) {
		case 'zstd':
			return new ParallelBlockCompressor(zstdBlock, { blockSize: ZSTD_BLOCK });
		case 'gzip':
			return new ParallelBlockCompressor((block) => gzipBlock(block, GZIP_OPTIONS));
		case 'none':
			return null;
	}
}

/** The inverse of createCompressor; chosen from a manifest, never guessed from bytes. */
export function createDecompressor(compression: Compression): Transform | null {
	switch (compression) {
		case 'zstd':
			if (!zstdAvailable()) {
				throw invalidInput(
					`This artifact is zstd-compressed and Node.js ${process.version} cannot read zstd`,
					'Run the command with Node.js 22.15 or newer, or decompress it with the zstd tool first.',
				);
			}
			return zstdZlib.createZstdDecompress!({ chunkSize: CHUNK_SIZE });
		case 'gzip':
			return zlib.createGunzip({ chunkSize: CHUNK_SIZE });
		case 'none':
			return null;
	}
}
