import { Readable } from 'node:stream';
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
	return Readable.from(
		(async function* () {
			yield Buffer.from('BEGIN;\n');
			for await (const chunk of dump) yield chunk as Buffer;
			yield Buffer.from('\nCOMMIT;\n');
		})(),
		{ objectMode: false },
	);
}

/** The plain bytes fed to psql from this process: where psql runs in a container, or without the zstd program. */
export async function loadThroughThisProcess(runPsql: (stdin: Readable) => Promise<DumpProcess>, plain: Readable): Promise<ScriptLoad> {
	let inputError: Error | undefined;
	plain.on('error', (error) => (inputError ??= error));
	const proc = await runPsql(inOneTransaction(plain));
	proc.stdout.resume();
	return { done: proc.done, inputError: () => inputError };
}
