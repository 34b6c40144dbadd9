import type Docker from 'dockerode';
import type { Duplex, Readable } from 'node:stream';
import type { DockerConnection } from './dockerConnection';
import { mapDockerError } from './dockerErrors';
import { ExecDemuxStream } from './ExecDemuxStream';

export interface ExecRequest {
	cmd: string[];
	/** Passed through the Engine API, never on a command line: the place for passwords. */
	env?: Record<string, string | undefined>;
	user?: string;
	stdin?: boolean;
}

export interface ExecResult {
	exitCode: number;
	stderr: string;
}

export interface ContainerProcess {
	stdout: Readable;
	/** Raw input stream (only with `stdin: true`); end() closes the process's stdin. */
	stdin?: Duplex;
	/** Settles once the process has ended: its exit code and the tail of its stderr. */
	done: Promise<ExecResult>;
	/** Drops the connection; the process then dies of SIGPIPE on its next write. */
	abort(): void;
}

/** Starts a command inside a running container through the Docker exec API. */
export async function execInContainer(
	container: Docker.Container,
	connection: DockerConnection,
	request: ExecRequest,
): Promise<ContainerProcess> {
	const env = Object.entries(request.env ?? {})
		.filter(([, value]) => value !== undefined && value !== '')
		.map(([key, value]) => `${key}=${value}`);
	let raw: Duplex;
	let exec: Docker.Exec;
	try {
		exec = await container.exec({
			Cmd: request.cmd,
			Env: env,
			User: request.user,
			AttachStdout: true,
			AttachStderr: true,
			AttachStdin: Boolean(request.stdin),
		});
		raw = (await exec.start({ hijack: true, stdin: Boolean(request.stdin) })) as Duplex;
	} catch (error) {
		throw mapDockerError(error, connection, container.id);
	}
	const demux = new ExecDemuxStream();
	raw.pipe(demux);

	const ended = new Promise<void>((resolve, reject) => {
		raw.once('end', resolve);
		raw.once('close', resolve);
		raw.once('error', reject);
	});
	const done = ended.then(async () => {
		const exitCode = await exitCodeOf(exec);
		// The Engine ends its side once the process has ended, yet reads no more of what is fed in,
		// nor closes the socket for minutes: a feed (psql stopped at an error with megabytes of the
		// dump to come) would wait that long on a full socket. Let go of it: the feeder sees it close.
		if (request.stdin) raw.destroy();
		return { exitCode, stderr: demux.stderr };
	});
	// Callers may settle `done` late (after draining stdout); keep an early
	// rejection from being reported as unhandled meanwhile.
	done.catch(() => undefined);
	return { stdout: demux, stdin: request.stdin ? raw : undefined, done, abort: () => raw.destroy() };
}

// The Engine records the exit code a moment after the output stream closes.
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
	for (let attempt = 0; attempt < 200; attempt++) {
		const info = await exec.inspect();
		if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return -1;
}
