import { findProgramOnPath } from '../process/programOnPath';
import { describeDocker, type DockerConnection } from './dockerConnection';

/** A program to start on this machine: what `docker exec` needs to run a command in a container. */
export interface HostCommand {
	program: string;
	args: string[];
	env: NodeJS.ProcessEnv;
}

/**
 * `cmd` run in the container through the docker program (`docker exec -i`), when it is
 * installed and the Engine is reached without TLS (whose keys would have to be written to
 * disk for it); null otherwise, and the caller goes through the Engine API itself.
 *
 * Why at all: a stream fed through the exec API passes through this process. For a plain
 * dump of 1 GiB that costs 2.5 s of CPU (V8 moves every chunk onto the socket), on 2 cores
 * that the server and psql need. The docker program, fed by another program, moves it in
 * the kernel and in Go, as a person's `zstd -d | docker exec -i` does.
 *
 * Each variable of `env` is named on the command line (`-e NAME`) and its value given to
 * the docker program's environment, which it passes on: a password never reaches argv.
 */
export function dockerCliExec(
	connection: DockerConnection,
	containerId: string,
	cmd: string[],
	env: Record<string, string | undefined>,
): HostCommand | null {
	if (connection.ca || connection.cert || connection.key) return null;
	const docker = findProgramOnPath('docker');
	if (!docker) return null;
	const passed = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
	const childEnv: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: describeDocker(connection) };
	// The docker program reads its own context from these; the connection given is the one to use.
	delete childEnv.DOCKER_CONTEXT;
	delete childEnv.DOCKER_TLS_VERIFY;
	for (const [name, value] of passed) childEnv[name] = value;
	return {
		program: docker,
		args: ['exec', '-i', ...passed.flatMap(([name]) => ['-e', name]), containerId, ...cmd],
		env: childEnv,
	};
}
