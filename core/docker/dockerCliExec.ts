import { execFile } from 'node:child_process';
import { findProgramOnPath } from '../process/programOnPath';
import { describeDocker, type DockerConnection } from './dockerConnection';

/** A program to start on this machine: what `docker exec` needs to run a command in a container. */
export interface HostCommand {
	program: string;
	args: string[];
	env: NodeJS.ProcessEnv;
}

// The docker program reads its own context, TLS and host from these; the connection given is the one to use.
const DOCKER_SETTINGS = ['DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];
const PROBE_TIMEOUT_MS = 10_000;

/**
 * `cmd` run in the container by `docker exec -i`, as a command line and its environment. Each
 * variable of `env` is named on the command line (`-e NAME`) and its value given only to the
 * docker program's environment, which passes it on: a password never reaches argv.
 */
export function dockerExecCommand(
	docker: string,
	connection: DockerConnection,
	containerId: string,
	cmd: string[],
	env: Record<string, string | undefined>,
): HostCommand {
	const passed = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
	const childEnv = dockerProgramEnv(connection);
	for (const [name, value] of passed) childEnv[name] = value;
	return { program: docker, args: ['exec', '-i', ...passed.flatMap(([name]) => ['-e', name]), containerId, ...cmd], env: childEnv };
}

function dockerProgramEnv(connection: DockerConnection): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: describeDocker(connection) };
	for (const name of DOCKER_SETTINGS) delete env[name];
	return env;
}

// One answer per docker program, Engine and container for the life of this process.
const probes = new Map<string, Promise<boolean>>();

/**
 * Whether this docker program reaches the Engine and sees the container running: a client
 * older than the Engine accepts, or a look-alike that ignores DOCKER_HOST, does not, and the
 * caller then goes through the Engine API as if none were installed.
 */
function dockerProgramWorks(probe: HostCommand): Promise<boolean> {
	const key = `${probe.program}|${probe.env.DOCKER_HOST}|${probe.args.at(-1)}`;
	let works = probes.get(key);
	if (!works) {
		works = new Promise((resolve) =>
			execFile(probe.program, probe.args, { env: probe.env, timeout: PROBE_TIMEOUT_MS }, (error, stdout) =>
				resolve(!error && stdout.trim() === 'true'),
			),
		);
		probes.set(key, works);
	}
	return works;
}

/**
 * `cmd` run in the container through the docker program, when it is installed, answers for
 * this Engine, and the Engine is reached without TLS (whose keys would have to be written to
 * disk for it); null otherwise, and the caller goes through the Engine API itself.
 *
 * Why at all: a stream fed through the exec API passes through this process. For a plain
 * dump of 1 GiB that costs 2.5 s of CPU (V8 moves every chunk onto the socket), on 2 cores
 * that the server and psql need. The docker program, fed by another program, moves it in
 * the kernel and in Go, as a person's `zstd -d | docker exec -i` does.
 */
export async function dockerCliExec(
	connection: DockerConnection,
	containerId: string,
	cmd: string[],
	env: Record<string, string | undefined>,
): Promise<HostCommand | null> {
	if (connection.ca || connection.cert || connection.key) return null;
	const docker = findProgramOnPath('docker');
	if (!docker) return null;
	const probe = {
		program: docker,
		args: ['container', 'inspect', '--format', '{{.State.Running}}', containerId],
		env: dockerProgramEnv(connection),
	};
	if (!(await dockerProgramWorks(probe))) return null;
	return dockerExecCommand(docker, connection, containerId, cmd, env);
}
