import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { feedInput } from '../archive/feedInput';
import type { PgConnection } from './PgConnection';
import type { DumpProcess } from './DumpProcess';
import { libpqEnv } from './libpqEnv';
import { pgToolMissing, type PgErrorContext } from './pgErrors';

const STDERR_LIMIT = 64 * 1024;

/** This process's environment with the connection's libpq variables (the password among them, never in argv). */
export function pgChildEnv(connection: PgConnection): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const [key, value] of Object.entries(libpqEnv(connection))) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	return env;
}

/**
 * Runs a local PostgreSQL client program (pg_dump, psql, pg_restore) against
 * `connection` over TCP, optionally fed `stdin`. If the input fails midway
 * the program is killed first, so psql never commits a cut-short script.
 */
export function spawnPgProgram(
	binary: string,
	args: string[],
	connection: PgConnection,
	ctx: PgErrorContext,
	stdin?: Readable,
): DumpProcess {
	const child = spawn(binary, args, { env: pgChildEnv(connection), stdio: ['pipe', 'pipe', 'pipe'] });
	if (!stdin) child.stdin.end();
	let stderr = '';
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (text: string) => {
		stderr = (stderr + text).slice(-STDERR_LIMIT);
	});
	const fed = stdin ? feedInput(stdin, child.stdin, () => child.kill('SIGKILL')) : Promise.resolve(undefined);
	const exited = new Promise<{ exitCode: number; stderr: string }>((resolve, reject) => {
		child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? pgToolMissing(ctx) : error));
		child.once('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), stderr }));
	});
	const done = Promise.all([exited, fed]).then(([result, inputError]) =>
		inputError ? { exitCode: result.exitCode || 1, stderr: `reading the input failed: ${inputError.message}\n${result.stderr}` } : result,
	);
	done.catch(() => undefined);
	// pg_dump and psql ignore SIGTERM (measured: SigIgn holds it), and one waiting on a frozen
	// server never writes again, so never meets the closed pipe either: only SIGKILL ends it.
	// A client killed is safe; its server session ends with the connection.
	return { stdout: child.stdout, done, abort: () => child.kill('SIGKILL') };
}

/** "pg_dump (PostgreSQL) 15.18 (Debian ...)" -> "15.18" */
export function parsePgToolVersion(output: string): string {
	return /\(PostgreSQL\)\s+(\S+)/.exec(output)?.[1] ?? output.trim();
}
