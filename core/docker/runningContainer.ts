import type Docker from 'dockerode';
import { StackBackupError, invalidInput } from '../errors/StackBackupError';
import type { DockerConnection } from './dockerConnection';
import { mapDockerError } from './dockerErrors';

// Docker's own rule for container names (plus ids); anything else is refused
// before it reaches the Engine API.
const CONTAINER_NAME = /^\/?[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function validateContainerName(name: string): string {
	if (!CONTAINER_NAME.test(name ?? '')) {
		throw invalidInput(`Invalid container name "${name}"`, 'Use the name shown by `docker ps`, e.g. "postgres".');
	}
	return name.replace(/^\//, '');
}

/** The container, checked to exist and to be running. */
export async function getRunningContainer(docker: Docker, connection: DockerConnection, name: string): Promise<Docker.Container> {
	const container = docker.getContainer(validateContainerName(name));
	let info: Docker.ContainerInspectInfo;
	try {
		info = await container.inspect();
	} catch (error) {
		throw mapDockerError(error, connection, name);
	}
	if (!info.State.Running) {
		throw new StackBackupError('CONTAINER_NOT_RUNNING', `Container "${name}" is not running (${info.State.Status})`, {
			hint: `Start it (docker start ${name}) and run the backup again.`,
		});
	}
	return container;
}
