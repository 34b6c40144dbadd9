import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex, Readable } from 'node:stream';
import { zstdFailure } from '../archive/zstdProgram';
import type { ScriptLoad } from './oneTransactionLoad';
import type { HostCommand } from '../docker/dockerCliExec';
import { pgToolMissing, type PgErrorContext } from './pgErrors';

const STDERR_LIMIT = 64 * 1024;

// zstd's output into psql; then zstd's exit status to this process on fd 3, and back from fd 3
// what this process decides: COMMIT, or nothing. The shell (and then cat) keeps psql's input
// open meanwhile, so psql never meets the end of a dump that zstd could not finish.
// (Node hands a child sockets, not pipes, and psql cannot open a socket as a script file.)
const FEEDER_SCRIPT = '"$0" -d -c -q; echo "zstd $?" >&3; exec cat <&3';

interface Ended {
	code: number | null;
	signal: NodeJS.Signals | null;
}

function ended(child: ChildProcess): Promise<Ended> {
	return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/** zstd's exit status as the feeding shell reports it, or why none came. */
function zstdStatus(channel: Duplex): Promise<number | string> {
	return new Promise((resolve) => {
		let text = '';
		channel.setEncoding('utf8');
		channel.on('data', (chunk: string) => {
			text += chunk;
			const status = /zstd (\d+)\n/.exec(text);
			if (status) resolve(Number(status[1]));
		});
		channel.on('error', () => resolve('no status'));
		channel.on('close', () => resolve('no status'));
	});
}

/** true once the stored bytes were read whole (their sha256 matching, where it is checked at the end). */
function readWhole(stored: Readable, onError: (error: Error) => void): Promise<boolean> {
	return new Promise((resolve) => {
		stored.once('end', () => resolve(true));
		stored.once('error', (error) => {
			onError(error);
			resolve(false);
		});
		stored.once('close', () => resolve(false));
	});
}

/**
 * Loads a zstd-compressed plain dump with psql (`psql`: the program and its arguments, or
 * `docker exec` of the container's psql), its plain bytes going from the zstd program
 * straight into psql, never through this process: here the stored bytes are read once (hashed,
 * decrypted when encrypted) into zstd. Measured on a 600 MiB dump: moving the plain bytes from
 * one pipe to the other cost this process 1 s of CPU more than `zstd -d | psql`, on 2 cores
 * that the server and psql need.
 *
 * psql runs BEGIN, then its input: zstd's output, then COMMIT, sent from here only once the
 * stored bytes were read whole and zstd ended well. Otherwise psql is stopped before its input
 * ends, and the server rolls the load back; if this process dies, psql's input ends without
 * COMMIT, rolled back too.
 */
export function loadThroughZstd(psql: HostCommand, ctx: PgErrorContext, stored: Readable, zstd: string): ScriptLoad {
	const child = spawn(psql.program, [...psql.args, '-c', 'BEGIN', '-f', '-'], { env: psql.env, stdio: ['pipe', 'ignore', 'pipe'] });
	const feeder = spawn('sh', ['-c', FEEDER_SCRIPT, zstd], { stdio: ['pipe', child.stdin!, 'pipe', 'pipe'] });
	// The shell holds the writing end of psql's input now: psql's input ends when the shell's output does.
	child.stdin!.destroy();
	const channel = feeder.stdio[3] as Duplex;

	let stderr = '';
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_LIMIT)));
	let feederStderr = '';
	feeder.stderr!.on('data', (chunk: Buffer) => (feederStderr = (feederStderr + chunk.toString()).slice(-2000)));

	let inputError: Error | undefined;
	const stopPsql = (why: Error) => {
		inputError ??= why;
		child.kill('SIGKILL');
		channel.destroy();
	};
	// A pipe that breaks because zstd or psql stopped is not the source's failure: their exits say why.
	feeder.stdin!.on('error', () => stored.destroy());
	const whole = readWhole(stored, (error) => {
		stopPsql(error);
		feeder.stdin!.destroy();
	});
	stored.pipe(feeder.stdin!);

	let committed = false;
	const decided = Promise.all([whole, zstdStatus(channel)]).then(([read, status]) => {
		if (read && status === 0) {
			committed = true;
			channel.end('COMMIT;\n');
		} else stopPsql(status === 0 ? new Error('the dump was not read to its end') : zstdFailure(status, feederStderr));
	});
	const psqlEnded = new Promise<Ended>((resolve, reject) => {
		child.once('error', (error: NodeJS.ErrnoException) => {
			feeder.stdin!.destroy();
			stored.destroy();
			channel.destroy();
			reject(error.code === 'ENOENT' ? pgToolMissing(ctx) : error);
		});
		ended(child).then(resolve);
	});
	const done = Promise.all([psqlEnded, ended(feeder), decided]).then(([psqlEnd]) => {
		// psql that ended by itself says why (a failing statement): zstd then only met a closed pipe.
		if (psqlEnd.signal === null && psqlEnd.code !== 0) inputError = undefined;
		// Never a success without the COMMIT.
		else if (psqlEnd.code === 0 && !committed) inputError ??= new Error('psql ended without the COMMIT');
		return { exitCode: psqlEnd.code ?? 128, stderr };
	});
	done.catch(() => undefined);
	return { done, inputError: () => inputError };
}
