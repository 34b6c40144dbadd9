import type Docker from 'dockerode';
import { StackBackupError } from '../errors/StackBackupError';
import type { Logger } from '../logging/Logger';
import type { DockerConnection } from './dockerConnection';
import { mapDockerError } from './dockerErrors';
import { validateContainerName } from './runningContainer';

export interface ContainerSelector {
	names?: string[];
	/** e.g. "stack-backup.stop-during-backup=true" */
	label?: string;
}

/**
 * Stops the running containers the selector names and returns the function
 * that starts them again. Containers that were not running stay stopped.
 */
export async function stopContainers(
	docker: Docker,
	connection: DockerConnection,
	selector: ContainerSelector,
	log: Logger,
): Promise<{ stopped: string[]; restart: () => Promise<void> }> {
	const names = new Set<string>();
	for (const name of selector.names ?? []) {
		const info = await docker
			.getContainer(validateContainerName(name))
			.inspect()
			.catch((e: unknown) => {
				throw mapDockerError(e, connection, name);
			});
		if (info.State.Running) names.add(info.Name.replace(/^\//, ''));
	}
	if (selector.label) {
		const listed = await docker.listContainers({ filters: { label: [selector.label], status: ['running'] } }).catch((e: unknown) => {
			throw mapDockerError(e, connection);
		});
		for (const c of listed) names.add(c.Names[0].replace(/^\//, ''));
	}
	const stopped: string[] = [];
	const restart = async () => {
		const failed: string[] = [];
		for (const name of stopped) {
			try {
				await docker.getContainer(name).start();
				log.info(`Started ${name} again`);
			} catch (error) {
				// 304: already running (someone started it meanwhile) is fine.
				if ((error as { statusCode?: number }).statusCode !== 304) failed.push(`${name} (${(error as Error).message})`);
			}
		}
		if (failed.length) {
			throw new StackBackupError('CONTAINER_RESTART_FAILED', `Could not start again: ${failed.join(', ')}`, {
				hint: 'Start them by hand now (docker start NAME), then check the Docker Engine log.',
			});
		}
	};
	try {
		for (const name of names) {
			log.info(`Stopping ${name} during the archive`);
			await docker.getContainer(name).stop();
			stopped.push(name);
		}
	} catch (error) {
		await restart().catch(() => undefined);
		throw mapDockerError(error, connection);
	}
	return { stopped, restart };
}

/**
 * Runs `body` with the containers stopped; they are started again whatever
 * happens. A failed restart is reported with the body's error, never instead of it.
 */
export async function withContainersStopped<T>(
	stop: () => Promise<{ stopped: string[]; restart: () => Promise<void> }>,
	body: (stopped: string[]) => Promise<T>,
): Promise<T> {
	const { stopped, restart } = await stop();
	let result: T;
	try {
		result = await body(stopped);
	} catch (error) {
		try {
			await restart();
		} catch (restartError) {
			if (error instanceof StackBackupError) {
				throw new StackBackupError(error.code, `${error.message}; and then: ${(restartError as Error).message}`, {
					hint: `${error.hint ?? ''} ${(restartError as StackBackupError).hint ?? ''}`.trim(),
					details: { ...error.details, restartFailed: (restartError as Error).message },
				});
			}
			(error as Error).message += `; and then: ${(restartError as Error).message}`;
		}
		throw error;
	}
	await restart();
	return result;
}
