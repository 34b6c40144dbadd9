import type Docker from 'dockerode';
import type { DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { validateContainerName } from '../docker/runningContainer';
import type { Logger } from '../logging/Logger';

export interface ContainerStates {
	/** Stopped by this recovery: to be started again after the restore. */
	stopped: string[];
	/** Present but not running before the recovery: started after it too (the stack was down). */
	wasDown: string[];
	/** Not on this Docker Engine: the user starts n8n their own way. */
	missing: string[];
}

/** Stops n8n's running containers (main and workers) so nothing writes while the data comes back. */
export async function stopN8nContainers(
	docker: Docker,
	connection: DockerConnection,
	names: string[],
	log: Logger,
): Promise<ContainerStates> {
	const states: ContainerStates = { stopped: [], wasDown: [], missing: [] };
	for (const name of names) {
		const container = docker.getContainer(validateContainerName(name));
		const info = await container.inspect().catch((error: unknown) => {
			if ((error as { statusCode?: number }).statusCode === 404) return null;
			throw mapDockerError(error, connection, name);
		});
		if (!info) {
			states.missing.push(name);
			continue;
		}
		if (!info.State.Running) {
			states.wasDown.push(name);
			continue;
		}
		log.info(`Stopping ${name}`);
		await container.stop().catch((error: unknown) => {
			throw mapDockerError(error, connection, name);
		});
		states.stopped.push(name);
	}
	return states;
}

/** Starts the containers a recovery stopped or found down, in the plan's order. */
export async function startN8nContainers(
	docker: Docker,
	connection: DockerConnection,
	states: ContainerStates,
	log: Logger,
): Promise<string[]> {
	const started: string[] = [];
	for (const name of [...states.stopped, ...states.wasDown]) {
		await docker
			.getContainer(name)
			.start()
			.catch((error: unknown) => {
				// 304: already running (someone started it meanwhile).
				if ((error as { statusCode?: number }).statusCode !== 304) throw mapDockerError(error, connection, name);
			});
		log.info(`Started ${name}`);
		started.push(name);
	}
	return started;
}
