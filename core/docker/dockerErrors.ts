import { StackBackupError } from '../errors/StackBackupError';
import { describeDocker, type DockerConnection } from './dockerConnection';
import { aboutFields } from '../options/optionFields';

interface DockerApiError {
	code?: string;
	statusCode?: number;
	json?: { message?: string };
	message?: string;
}

/** Turns dockerode/docker-modem failures into coded errors with a hint. */
export function mapDockerError(error: unknown, connection: DockerConnection, container?: string): unknown {
	if (error instanceof StackBackupError) return error;
	const e = (error ?? {}) as DockerApiError;
	const where = describeDocker(connection);
	if (e.code === 'ENOENT' && connection.socketPath) {
		return new StackBackupError('DOCKER_UNREACHABLE', `The Docker socket ${connection.socketPath} does not exist`, {
			hint: 'Mount the Docker socket into the n8n container (volumes: - /var/run/docker.sock:/var/run/docker.sock), or give the path where the socket is.',
			details: aboutFields('dockerHost'),
		});
	}
	if (e.code === 'EACCES' || e.code === 'EPERM') {
		return new StackBackupError('DOCKER_PERMISSION_DENIED', `Permission denied on the Docker socket ${where}`, {
			hint: "Give the n8n user access to the socket: add it to the socket's group (group_add with the docker group id in Compose), or use a Docker socket proxy over tcp.",
		});
	}
	if (e.code === 'ECONNREFUSED' || e.code === 'ETIMEDOUT' || e.code === 'EHOSTUNREACH' || e.code === 'ENOTFOUND') {
		return new StackBackupError('DOCKER_UNREACHABLE', `The Docker Engine at ${where} does not answer (${e.code})`, {
			hint: 'Check that Docker is running and that its address is right.',
			details: aboutFields('dockerHost'),
		});
	}
	if (e.statusCode === 404 && container) {
		return new StackBackupError('CONTAINER_NOT_FOUND', `There is no container named "${container}"`, {
			hint: 'Use the container name shown by `docker ps` (in Compose, often <project>-postgres-1, or set container_name).',
		});
	}
	if (e.statusCode === 409 && container) {
		return new StackBackupError('CONTAINER_NOT_RUNNING', `Container "${container}" is not running`, {
			hint: `Start it (docker start ${container}) and run the backup again.`,
		});
	}
	const message = e.json?.message ?? e.message ?? String(error);
	return new StackBackupError('DOCKER_EXEC_FAILED', `Docker Engine error at ${where}: ${message}`, {
		hint: 'Check the Docker Engine logs.',
	});
}

/**
 * An Engine stream (an archive download) that broke part way: the Engine
 * stopped, restarted or dropped the connection. Said as such, not as the
 * HTTP library's bare "aborted".
 */
export function engineStreamBroke(error: unknown, connection: DockerConnection, doing: string): StackBackupError {
	if (error instanceof StackBackupError) return error;
	const cause = (error as { code?: string; message?: string })?.code ?? (error as Error)?.message ?? String(error);
	return new StackBackupError(
		'DOCKER_UNREACHABLE',
		`The connection to the Docker Engine at ${describeDocker(connection)} broke while ${doing} (${cause})`,
		{
			hint: 'The Engine stopped or restarted during the backup. Nothing of this run was kept; run it again once Docker is up.',
		},
	);
}
