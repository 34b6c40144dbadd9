import { pipeline, Transform, type Readable } from 'node:stream';
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
	pipeline(dump, wrapped, () => undefined);
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
