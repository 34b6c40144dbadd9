import { readStreamText } from '../archive/readStreamText';
import { createDockerClient, describeDocker, type DockerConnection } from '../docker/dockerConnection';
import { execInContainer } from '../docker/execInContainer';
import { getRunningContainer } from '../docker/runningContainer';
import { openContainerPsqlSession } from './containerPsqlSession';
import type { DumpProcess } from './DumpProcess';
import { libpqEnv } from './libpqEnv';
import { parsePgToolVersion, spawnPgProgram } from './localPgDump';
import type { PgConnection } from './PgConnection';
import { pgProcessError, type PgErrorContext } from './pgErrors';
import { openPgSession } from './pgSession';
import type { QuerySession } from './QuerySession';

/**
 * Where pg_dump and the inventory session run: on this machine over TCP, or
 * inside the Postgres container through the Docker exec API (the server's
 * own pg_dump, so versions always match and nothing needs installing).
 */
export interface PgTransport {
	errorContext(step: string): PgErrorContext;
	openSession(): Promise<QuerySession>;
	pgDumpVersion(): Promise<string>;
	startDump(args: string[]): Promise<DumpProcess>;
	/** Non-secret facts for the manifest. */
	describe(): Record<string, unknown>;
}

async function versionFrom(proc: DumpProcess, ctx: PgErrorContext): Promise<string> {
	const [output, { exitCode, stderr }] = await Promise.all([readStreamText(proc.stdout), proc.done]);
	if (exitCode !== 0) throw pgProcessError(exitCode, stderr, ctx);
	return parsePgToolVersion(output);
}

export function localTransport(connection: PgConnection, pgDumpPath = 'pg_dump'): PgTransport {
	const where = `${connection.host ?? 'localhost'}:${connection.port ?? 5432}`;
	const errorContext = (step: string): PgErrorContext => ({
		where,
		database: connection.database,
		user: connection.user,
		password: connection.password,
		step,
	});
	return {
		errorContext,
		openSession: () => openPgSession(connection, errorContext('Reading the database catalog')),
		pgDumpVersion: () =>
			versionFrom(spawnPgProgram(pgDumpPath, ['--version'], connection, errorContext('pg_dump')), errorContext('pg_dump')),
		startDump: async (args) => spawnPgProgram(pgDumpPath, args, connection, errorContext('pg_dump')),
		describe: () => ({ method: 'local', host: connection.host, port: connection.port, pgDump: pgDumpPath }),
	};
}

export async function containerTransport(
	docker: DockerConnection,
	containerName: string,
	connection: PgConnection,
): Promise<PgTransport> {
	const client = createDockerClient(docker);
	const container = await getRunningContainer(client, docker, containerName);
	// Inside the container pg_dump reaches the server on its own socket:
	// host and port from the credential describe the network outside.
	const inside: PgConnection = { ...connection, host: undefined, port: undefined };
	const errorContext = (step: string): PgErrorContext => ({
		where: `container "${containerName}"`,
		database: connection.database,
		user: connection.user,
		password: connection.password,
		step,
	});
	// A pg_dump missing from the container ends with exit code 126/127, which pgProcessError reports as PG_DUMP_MISSING.
	const run = (cmd: string[]): Promise<DumpProcess> => execInContainer(container, docker, { cmd, env: libpqEnv(inside) });
	return {
		errorContext,
		openSession: () => openContainerPsqlSession(container, docker, inside, errorContext('Reading the database catalog')),
		pgDumpVersion: async () => versionFrom(await run(['pg_dump', '--version']), errorContext('pg_dump')),
		startDump: (args) => run(['pg_dump', ...args]),
		describe: () => ({ method: 'docker', container: containerName, docker: describeDocker(docker) }),
	};
}
