import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { readStreamText } from '../archive/readStreamText';
import type { DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { currentOwner } from '../process/processOwner';
import { execInContainer } from '../docker/execInContainer';
import { demuxText } from '../docker/oneShotContainer';
import { StackBackupError } from '../errors/StackBackupError';
import { openContainerPsqlSession } from './containerPsqlSession';
import { libpqEnv } from './libpqEnv';
import { readWorkflowChecksums } from './workflowChecksums';
import type { DataFolder } from './pitrDataFolder';
import { WAL_STAGING } from './pitrDataFolder';

export interface InsideConnection {
	user?: string;
	database: string;
}

const POLL_MS = 500;

/** A scratch server's labels: what it is, and which process made it (several restores may run side by side). */
export function scratchLabels(): Record<string, string> {
	return { 'io.n8n-stack-backup.scratch': 'pitr', 'io.n8n-stack-backup.owner': currentOwner() };
}

/** A Postgres container made like the live one (image, environment, entrypoint), on the scratch volume, with no network. */
export async function startScratchPostgres(
	docker: Docker,
	connection: DockerConnection,
	like: Docker.ContainerInspectInfo,
	folder: DataFolder,
	volume: string,
): Promise<Docker.Container> {
	try {
		const container = await docker.createContainer({
			name: `n8n-stack-pitr-${randomBytes(4).toString('hex')}`,
			Image: like.Image,
			Env: like.Config.Env,
			Entrypoint: like.Config.Entrypoint ?? undefined,
			Cmd: like.Config.Cmd ?? undefined,
			User: like.Config.User || undefined,
			Labels: scratchLabels(),
			NetworkDisabled: true,
			HostConfig: { NetworkMode: 'none', Binds: [`${volume}:${folder.mountDestination}`, ...folder.readOnlyBinds] },
		});
		await container.start();
		return container;
	} catch (error) {
		throw mapDockerError(error, connection);
	}
}

async function psqlAnswer(container: Docker.Container, connection: DockerConnection, inside: InsideConnection, sql: string) {
	const proc = await execInContainer(container, connection, {
		cmd: ['psql', '-X', '-A', '-t', '-q', '--no-password', '-c', sql],
		env: libpqEnv({ user: inside.user, database: inside.database }),
	});
	const [out, done] = await Promise.all([readStreamText(proc.stdout), proc.done]);
	return { out: out.trim(), ...done };
}

/**
 * Waits until the server has replayed the WAL and promoted (pg_is_in_recovery() is false).
 * A server that stops meanwhile failed its recovery: its log says why (a target past the
 * WAL, a damaged segment), and that is the error.
 */
export async function waitForRecovery(
	container: Docker.Container,
	connection: DockerConnection,
	inside: InsideConnection,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const state = await container.inspect();
		if (!state.State.Running) throw await recoveryFailed(container, `Postgres stopped during recovery (exit code ${state.State.ExitCode})`);
		const answer = await psqlAnswer(container, connection, inside, 'SELECT pg_is_in_recovery()').catch(() => null);
		if (answer?.exitCode === 0 && answer.out === 'f') return;
		if (Date.now() > deadline)
			throw await recoveryFailed(container, `Postgres did not finish recovery in ${Math.round(timeoutMs / 1000)} s`);
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}

async function recoveryFailed(container: Docker.Container, message: string): Promise<StackBackupError> {
	const logs = demuxText((await container.logs({ stdout: true, stderr: true, tail: 8 }).catch(() => Buffer.alloc(0))) as unknown as Buffer)
		.trim()
		.split('\n')
		.slice(-4)
		.join(' | ');
	return new StackBackupError('PG_RESTORE_FAILED', `${message}: ${logs}`, {
		hint: 'The restored files were removed and what the data folder held before was put back. Read the server log above.',
	});
}

export async function workflowsIn(container: Docker.Container, connection: DockerConnection, inside: InsideConnection) {
	const session = await openContainerPsqlSession(
		container,
		connection,
		{ database: inside.database, user: inside.user },
		{
			where: 'the recovered server',
			database: inside.database,
			user: inside.user,
			step: 'Reading the recovered workflows',
		},
	);
	try {
		return await readWorkflowChecksums(session);
	} finally {
		await session.close();
	}
}

/** Once the server has promoted: the staged WAL and the old data moved aside are no longer needed. */
export async function cleanUpAfterRecovery(container: Docker.Container, connection: DockerConnection, pgdata: string, replaced: string) {
	const proc = await execInContainer(container, connection, {
		cmd: ['rm', '-rf', `${pgdata}/${WAL_STAGING}`, `${pgdata}/${replaced}`],
		user: '0',
	});
	proc.stdout.resume();
	await proc.done;
}
