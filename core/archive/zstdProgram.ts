import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { invalidInput, StackBackupError } from '../errors/StackBackupError';
import { findProgramOnPath } from '../process/programOnPath';

/** The zstd program's path, when it is installed. */
export function findZstdProgram(): string | null {
	return findProgramOnPath('zstd');
}

/**
 * zstd decompression through the `zstd` program (`program`, its path when found, else by
 * name so that a missing one says to install it). It decompresses at twice the speed of
 * node:zlib's zstd, in a process of its own (on another core), and it is the only way for a
 * Node.js without zstd in node:zlib (Debian 12's Node 20: the Node a rebuilt host has, when
 * n8n itself ran in a container). It streams like the zlib one; the program ends with the
 * stream, whichever side stops first.
 */
export function zstdProgramDecompressor(program = 'zstd'): Duplex {
	const child = spawn(program, ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
	const duplex = Duplex.from({ writable: child.stdin, readable: child.stdout });
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
	child.on('error', (error: NodeJS.ErrnoException) =>
		duplex.destroy(
			error.code === 'ENOENT'
				? invalidInput(
						`This artifact is zstd-compressed; Node.js ${process.version} cannot read zstd, and the zstd program is not installed`,
						'Install zstd (Debian: apt-get install zstd), or use Node.js 22.15 or newer.',
					)
				: error,
		),
	);
	child.on('close', (code, signal) => {
		if (code !== 0 && !duplex.destroyed) duplex.destroy(zstdFailure(code ?? signal ?? 'unknown', stderr));
	});
	// A reader that stops early (a workflow found mid-dump) must not leave the program behind.
	duplex.on('close', () => child.exitCode === null && child.kill());
	return duplex;
}

/**
 * What a zstd that ended badly means: into a file (`writingTo`), a full disk is said as such,
 * with where to make room; otherwise the stored bytes did not decompress.
 */
export function zstdFailure(ended: number | string, stderr: string, writingTo?: string): StackBackupError {
	const message = stderr.trim() || 'no message';
	if (writingTo && /no space left/i.test(message)) {
		return new StackBackupError('INSUFFICIENT_SPACE', `The disk filled up while the dump was decompressed into ${writingTo}`, {
			hint: 'Free space there or point TMPDIR at a larger disk. Nothing was restored.',
		});
	}
	return invalidInput(
		`zstd -d ended with ${ended}: ${message} (the artifact is damaged)`,
		'Nothing was restored from it. Run verify on the set to see whether it changed after the backup, and restore another set.',
	);
}
