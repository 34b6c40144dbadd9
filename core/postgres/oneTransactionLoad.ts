import { Transform, type Readable } from 'node:stream';
import type { DumpProcess } from './DumpProcess';

/** psql loading a plain dump in one transaction. */
export interface ScriptLoad {
	/** psql's end: exit code 0 only when the load committed. */
	done: Promise<{ exitCode: number; stderr: string }>;
	/** Why the input failed (a damaged or unopenable artifact), once done; psql then only saw its input stop. */
	inputError(): Error | undefined;
}

/** psql's arguments for a dump: no psqlrc, quiet, stop at the first error, never a password prompt. */
export const PSQL_LOAD_ARGS = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--no-password', '-o', '/dev/null'];

/**
 * The dump between BEGIN and COMMIT, the COMMIT sent only once the whole
 * dump was read and (for a set whose digests are pending) its sha256
 * matched. Input that fails ends without it, so psql's session ends with
 * the transaction open and the server rolls it back, however psql is
 * stopped. (psql --single-transaction would commit at any end of input.)
 */
function inOneTransaction(dump: Readable): Readable {
	// Chunks pass on as they came: an async iterator would copy what is buffered into one new
	// buffer at each step (1 GiB of copies, and as much garbage, for a 1 GiB dump).
	const wrapped = new Transform({
		transform: (chunk: Buffer, _encoding, callback) => callback(null, chunk),
		flush: (callback) => callback(null, Buffer.from('\nCOMMIT;\n')),
	});
	wrapped.push(Buffer.from('BEGIN;\n'));
	dump.on('error', (error) => wrapped.destroy(error));
	// Its failure is told by the one who feeds it to psql (stream.finished sees it even when it came
	// first), and by the dump's own error: never an uncaught 'error' event in between.
	wrapped.on('error', () => undefined);
	// A dump that stops without its end is no whole dump: never a COMMIT after it.
	dump.on('close', () => {
		if (!dump.readableEnded) wrapped.destroy(new Error('the dump stopped before its end'));
	});
	// psql that stopped reading (it failed on a statement) lets go of the dump: no failure of the
	// dump's, so psql's own error is the one told.
	wrapped.on('close', () => {
		if (!dump.readableEnded) dump.destroy();
	});
	dump.pipe(wrapped);
	return wrapped;
}

/** The plain bytes fed to psql from this process: where psql runs in a container, or without the zstd program. */
export async function loadThroughThisProcess(runPsql: (stdin: Readable) => Promise<DumpProcess>, plain: Readable): Promise<ScriptLoad> {
	let inputError: Error | undefined;
	plain.on('error', (error) => (inputError ??= error));
	const proc = await runPsql(inOneTransaction(plain));
	proc.stdout.resume();
	return { done: proc.done, inputError: () => inputError };
}
