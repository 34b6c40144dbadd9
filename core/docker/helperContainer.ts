import type Docker from 'dockerode';
import { currentOwner, ownerIsGone } from '../process/processOwner';
import type { Logger } from '../logging/Logger';
import type { DockerConnection } from './dockerConnection';
import { mapDockerError } from './dockerErrors';

export const HELPER_LABEL = 'io.n8n-stack-backup.helper';
const OWNER_LABEL = 'io.n8n-stack-backup.owner';

/** Labels for a container a run creates and must remove: what it is for, and which process owns it. */
export function helperLabels(purpose: string): Record<string, string> {
	return { [HELPER_LABEL]: purpose, [OWNER_LABEL]: currentOwner() };
}

/**
 * Removes helper containers whose run was killed before it could remove
 * them (kill -9, a power cut). Only owners provably gone on this host are
 * swept, so a run in progress elsewhere keeps its helper. Never fails a run.
 */
export async function removeOrphanedHelpers(docker: Docker, log?: Logger): Promise<string[]> {
	const removed: string[] = [];
	try {
		const containers = await docker.listContainers({ all: true, filters: { label: [OWNER_LABEL] } });
		for (const c of containers) {
			if (!ownerIsGone(c.Labels[OWNER_LABEL] ?? '')) continue;
			await docker.getContainer(c.Id).remove({ force: true, v: false });
			removed.push(c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12));
		}
	} catch (error) {
		log?.warn(`Could not check for helper containers left by killed runs: ${(error as Error).message}`);
	}
	if (removed.length) log?.warn(`Removed ${removed.length} helper container(s) left by a run that was killed: ${removed.join(', ')}`);
	return removed;
}

/**
 * A container that mounts a volume and is never started: the Engine's
 * archive API reads and writes a created container's file system, so no
 * command ever runs and the image needs nothing in it. Remove it after use.
 */
export async function createHelperContainer(
	docker: Docker,
	connection: DockerConnection,
	image: string,
	bind: string,
	log?: Logger,
): Promise<Docker.Container> {
	await removeOrphanedHelpers(docker, log);
	try {
		return await docker.createContainer({
			Image: image,
			Entrypoint: ['/n8n-stack-backup-helper-is-never-started'],
			Cmd: [],
			Labels: helperLabels('1'),
			NetworkDisabled: true,
			HostConfig: { Binds: [bind], NetworkMode: 'none' },
		});
	} catch (error) {
		throw mapDockerError(error, connection);
	}
}
