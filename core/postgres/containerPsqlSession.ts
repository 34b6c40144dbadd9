import type Docker from 'dockerode';
import { createInterface } from 'node:readline';
import type { DockerConnection } from '../docker/dockerConnection';
import { execInContainer } from '../docker/execInContainer';
import type { PgConnection } from './PgConnection';
import { pgProcessError, type PgErrorContext } from './pgErrors';
import type { QuerySession } from './QuerySession';
import { libpqEnv } from './libpqEnv';

/**
 * A session through psql running inside the Postgres container, fed over the
 * exec API's stdin. It needs no network route from n8n to the database and
 * no psql on this side. psql runs quiet and unaligned, so each query prints
 * exactly one line.
 */
export async function openContainerPsqlSession(
	container: Docker.Container,
	docker: DockerConnection,
	connection: PgConnection,
	ctx: PgErrorContext,
): Promise<QuerySession> {
	const proc = await execInContainer(container, docker, {
		cmd: ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '--no-password'],
		env: libpqEnv({ ...connection, host: undefined, port: undefined }),
		stdin: true,
	});
	const lines = createInterface({ input: proc.stdout, crlfDelay: Infinity });
	const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
	const early: string[] = [];
	let failure: Error | undefined;

	lines.on('line', (line) => {
		const next = waiting.shift();
		if (next) next.resolve(line);
		else early.push(line);
	});
	proc.done
		.then(({ exitCode, stderr }) => pgProcessError(exitCode, stderr || 'psql ended', { ...ctx, step: 'psql' }))
		.catch((error: Error) => error)
		.then((error) => {
			failure = error;
			for (const w of waiting.splice(0)) w.reject(error);
		});

	const send = (sql: string) => {
		if (failure) throw failure;
		proc.stdin!.write(`${sql};\n`);
	};
	const nextLine = () =>
		new Promise<string>((resolve, reject) => {
			if (early.length > 0) resolve(early.shift()!);
			else if (failure) reject(failure);
			else waiting.push({ resolve, reject });
		});

	return {
		async exec(sql) {
			send(sql);
		},
		async queryJson<T>(sql: string) {
			send(sql);
			return JSON.parse(await nextLine()) as T;
		},
		async close() {
			if (!failure) proc.stdin!.end();
			await proc.done.catch(() => undefined);
		},
	};
}
