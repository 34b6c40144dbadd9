import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecompressor, type Compression } from './compression';
import { ExpectedLength, lengthMismatch } from './ExpectedLength';
import { findZstdProgram, zstdFailure } from './zstdProgram';

// How writing into a program that has ended shows up.
const PIPE_BROKE = new Set(['EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);

/**
 * Writes the plain bytes of a compressed stream into a new 0600 file at `path`, and checks there
 * are exactly `expected.size` of them. A zstd stream goes through the zstd program when it is
 * installed: it decompresses twice as fast as node:zlib's zstd, and the plain bytes (often many
 * times the stored ones) never pass through Node. Otherwise node:zlib does it.
 */
export async function decompressIntoFile(
	stored: Readable,
	compression: Compression,
	path: string,
	expected: { size: number; file: string },
): Promise<void> {
	const program = compression === 'zstd' ? findZstdProgram() : null;
	if (program) await zstdIntoFile(program, stored, path);
	else {
		const decompressor = createDecompressor(compression);
		await pipeline([
			stored,
			...(decompressor ? [decompressor] : []),
			new ExpectedLength(expected.size, expected.file),
			createWriteStream(path, { mode: 0o600, flags: 'wx' }),
		]);
		return;
	}
	await fs.chmod(path, 0o600);
	const { size } = await fs.stat(path);
	if (size !== expected.size) throw lengthMismatch(expected.file, size, expected.size);
}

async function zstdIntoFile(program: string, stored: Readable, path: string): Promise<void> {
	// No -f: the file must be new (zstd refuses to overwrite one).
	const child = spawn(program, ['-d', '-q', '-o', path], { stdio: ['pipe', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
	const exited = new Promise<number | string>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
	});
	// The source's own error (a wrong key, a sha256 that does not match) says more than zstd's, and zstd's more than a broken pipe.
	const fed = await pipeline(stored, child.stdin).then(
		() => null,
		(error: Error) => {
			child.kill();
			return error;
		},
	);
	const code = await exited;
	if (fed && (code === 0 || !PIPE_BROKE.has((fed as NodeJS.ErrnoException).code ?? ''))) throw fed;
	if (code !== 0) throw zstdFailure(code, stderr, dirname(path));
}
