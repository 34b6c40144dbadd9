import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Compression } from '../archive/compression';
import { decompressIntoFile } from '../archive/decompressIntoFile';
import { feedInput } from '../archive/feedInput';
import { readStreamText } from '../archive/readStreamText';
import { singleFileTar } from '../archive/singleFileTar';
import { mapDockerError } from '../docker/dockerErrors';
import { dockerCliExec } from '../docker/dockerCliExec';
import { createDockerClient, describeDocker, type DockerConnection } from '../docker/dockerConnection';
import { execInContainer } from '../docker/execInContainer';
import { getRunningContainer } from '../docker/runningContainer';
import { stageWrittenFile, type StagedFile } from '../storage/tempStaging';
import { openContainerPsqlSession } from './containerPsqlSession';
import type { DumpProcess } from './DumpProcess';
import { libpqEnv } from './libpqEnv';
import { parsePgToolVersion, pgChildEnv, spawnPgProgram } from './localPgDump';
import type { PgConnection } from './PgConnection';
import { pgProcessError, type PgErrorContext } from './pgErrors';
import { openPgSession } from './pgSession';
import { loadThroughZstd } from './psqlFedByZstd';
import { findZstdProgram } from '../archive/zstdProgram';
import { loadThroughThisProcess, type ScriptLoad } from './oneTransactionLoad';
import type { QuerySession } from './QuerySession';
import { containerWalSpool, localWalSpool, type WalSpool } from './walSpool';

export type PhysicalTool = 'pg_basebackup' | 'pg_receivewal' | 'pg_verifybackup';

/**
 * Where pg_dump and the inventory session run: on this machine over TCP, or
 * inside the Postgres container through the Docker exec API (the server's
 * own pg_dump, so versions always match and nothing needs installing).
 */
export interface PgTransport {
	errorContext(step: string): PgErrorContext;
	/** A session on the connection's database, or on `database` when given. */
	openSession(database?: string): Promise<QuerySession>;
	pgDumpVersion(): Promise<string>;
	startDump(args: string[]): Promise<DumpProcess>;
	/** Runs psql or pg_restore against `database`, optionally fed `stdin`. */
	runProgram(program: 'psql' | 'pg_restore', args: string[], options: { database: string; stdin?: Readable }): Promise<DumpProcess>;
	/**
	 * Loads a plain dump with psql (`args` first) in one transaction, committed only once every
	 * byte was read and checked.
	 */
	loadScript(args: string[], options: { database: string; source: StageSource }): Promise<ScriptLoad>;
	/** Starts one of the physical backup programs where pg_dump would run. */
	startTool(program: PhysicalTool, args: string[]): Promise<DumpProcess>;
	/** The folder pg_receivewal writes into for `slot`, where the programs run. */
	walSpool(slot: string): WalSpool;
	/** Puts an artifact's plain bytes where the programs can read them as a file (pg_restore --jobs needs one). */
	stageFile(source: StageSource): Promise<StagedFile>;
	/** Non-secret facts for the manifest. */
	describe(): Record<string, unknown>;
}

/** An artifact to stage, both ways: as stored (a transport that decompresses it itself) and as plain bytes. */
export interface StageSource {
	stored(): Readable;
	compression: Compression;
	plain(): Readable;
	/** Its plain size and its name, to check the staged file against. */
	expected: { size: number; file: string };
}

// The other client programs live next to a configured pg_dump.
function siblingProgram(pgDumpPath: string, program: string): string {
	return pgDumpPath.includes('/') ? join(dirname(pgDumpPath), program) : program;
}

async function versionFrom(proc: DumpProcess, ctx: PgErrorContext): Promise<string> {
	const [output, { exitCode, stderr }] = await Promise.all([readStreamText(proc.stdout), proc.done]);
	if (exitCode !== 0) throw pgProcessError(exitCode, stderr, ctx);
	return parsePgToolVersion(output);
}

export function localTransport(connection: PgConnection, pgDumpPath = 'pg_dump', queryTimeoutMs?: number): PgTransport {
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
		openSession: (database) =>
			openPgSession(
				{ ...connection, database: database ?? connection.database },
				errorContext('Reading the database catalog'),
				queryTimeoutMs,
			),
		pgDumpVersion: () =>
			versionFrom(spawnPgProgram(pgDumpPath, ['--version'], connection, errorContext('pg_dump')), errorContext('pg_dump')),
		startDump: async (args) => spawnPgProgram(pgDumpPath, args, connection, errorContext('pg_dump')),
		startTool: async (program, args) => spawnPgProgram(siblingProgram(pgDumpPath, program), args, connection, errorContext(program)),
		walSpool: (slot) => localWalSpool(slot),
		runProgram: async (program, args, { database, stdin }) =>
			spawnPgProgram(siblingProgram(pgDumpPath, program), args, { ...connection, database }, errorContext(program), stdin),
		loadScript: async (args, { database, source }) => {
			const psql = siblingProgram(pgDumpPath, 'psql');
			const target = { ...connection, database };
			const zstd = source.compression === 'zstd' ? findZstdProgram() : null;
			if (zstd) return loadThroughZstd({ program: psql, args, env: pgChildEnv(target) }, errorContext('psql'), source.stored(), zstd);
			return loadThroughThisProcess(async (stdin) => spawnPgProgram(psql, args, target, errorContext('psql'), stdin), source.plain());
		},
		// Decompressed straight into the file here, by the zstd program when it is installed.
		stageFile: (source) =>
			stageWrittenFile((path) => decompressIntoFile(source.stored(), source.compression, path, source.expected), source.expected.size, {
				fileName: 'restore.pgdump',
				why: 'pg_restore --jobs reads the dump from a file',
			}),
		describe: () => ({ method: 'local', host: connection.host, port: connection.port, pgDump: pgDumpPath }),
	};
}

export async function containerTransport(docker: DockerConnection, containerName: string, connection: PgConnection): Promise<PgTransport> {
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
	const transport: PgTransport = {
		errorContext,
		openSession: (database) =>
			openContainerPsqlSession(
				container,
				docker,
				{ ...inside, database: database ?? inside.database },
				errorContext('Reading the database catalog'),
			),
		pgDumpVersion: async () => versionFrom(await run(['pg_dump', '--version']), errorContext('pg_dump')),
		startDump: (args) => run(['pg_dump', ...args]),
		startTool: (program, args) => run([program, ...args]),
		walSpool: (slot) => containerWalSpool(container, docker, slot),
		runProgram: async (program, args, { database, stdin }) => {
			const proc = await execInContainer(container, docker, {
				cmd: [program, ...args],
				env: libpqEnv({ ...inside, database }),
				stdin: Boolean(stdin),
			});
			if (!stdin) return proc;
			const fed = feedInput(stdin, proc.stdin!, () => proc.abort());
			return {
				...proc,
				done: Promise.all([proc.done, fed]).then(([result, inputError]) =>
					inputError
						? { exitCode: result.exitCode || 1, stderr: `reading the input failed: ${inputError.message}\n${result.stderr}` }
						: result,
				),
			};
		},
		loadScript: async (args, { database, source }) => {
			// zstd's output straight into the docker program, as by hand, when both are installed.
			const zstd = source.compression === 'zstd' ? findZstdProgram() : null;
			const psql = zstd ? await dockerCliExec(docker, container.id, ['psql', ...args], libpqEnv({ ...inside, database })) : null;
			if (zstd && psql) return loadThroughZstd(psql, errorContext('psql'), source.stored(), zstd);
			return loadThroughThisProcess((stdin) => transport.runProgram('psql', args, { database, stdin }), source.plain());
		},
		stageFile: async (source) => {
			const size = source.expected.size;
			// The container's /tmp: pg_restore --jobs needs a seekable file where it runs.
			const path = `/tmp/n8n-stack-restore-${randomBytes(6).toString('hex')}.pgdump`;
			try {
				await container.putArchive(singleFileTar(basename(path), size, source.plain()), { path: '/tmp' });
			} catch (error) {
				throw mapDockerError(error, docker, container.id);
			}
			return {
				path,
				remove: async () => {
					const rm = await execInContainer(container, docker, { cmd: ['rm', '-f', path] });
					rm.stdout.resume();
					await rm.done;
				},
			};
		},
		describe: () => ({ method: 'docker', container: containerName, docker: describeDocker(docker) }),
	};
	return transport;
}
