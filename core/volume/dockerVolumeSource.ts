import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { filterTar } from '../archive/filterTar';
import type { DockerConnection } from '../docker/dockerConnection';
import { engineStreamBroke, mapDockerError } from '../docker/dockerErrors';
import { createHelperContainer } from '../docker/helperContainer';
import { StackBackupError, invalidInput } from '../errors/StackBackupError';
import type { Logger } from '../logging/Logger';
import type { ExcludeMatcher } from './excludeMatcher';

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function validateVolumeName(name: string): string {
	if (!VOLUME_NAME.test(name ?? '')) {
		throw invalidInput(`Invalid volume name ${JSON.stringify(name)}`, 'Use the name shown by `docker volume ls`, e.g. "n8n_data".');
	}
	return name;
}

/** The image for the helper: the user's, or that of a container using the volume. Never pulled. */
export async function helperImageFor(docker: Docker, connection: DockerConnection, volume: string, image?: string): Promise<string> {
	try {
		await docker.getVolume(volume).inspect();
	} catch (error) {
		if ((error as { statusCode?: number }).statusCode === 404) {
			throw new StackBackupError('VOLUME_NOT_FOUND', `There is no Docker volume named "${volume}"`, {
				hint: 'Use the name shown by `docker volume ls` (Compose prefixes it with the project name, e.g. "n8n_n8n_data").',
			});
		}
		throw mapDockerError(error, connection);
	}
	let chosen = image;
	if (!chosen) {
		const users = await docker.listContainers({ all: true, filters: { volume: [volume] } }).catch((e: unknown) => {
			throw mapDockerError(e, connection);
		});
		chosen = users[0]?.ImageID;
		if (!chosen) {
			throw new StackBackupError('IMAGE_NOT_FOUND', `No container uses volume "${volume}", so there is no image to read it with`, {
				hint: 'Give a helper image that is already present (see `docker images`, e.g. busybox or alpine); nothing is ever pulled.',
			});
		}
	}
	try {
		await docker.getImage(chosen).inspect();
	} catch (error) {
		if ((error as { statusCode?: number }).statusCode === 404) {
			throw new StackBackupError('IMAGE_NOT_FOUND', `Image "${chosen}" is not present on this Docker Engine`, {
				hint: 'Images are never pulled. Pick one that `docker images` lists.',
			});
		}
		throw mapDockerError(error, connection);
	}
	return chosen;
}

/**
 * The volume's content as a tar stream, read through a helper container
 * that mounts the volume read-only and is never started (the Engine's
 * archive API reads a created container's file system). `cleanup` removes
 * the helper and must always run.
 */
export async function openDockerVolumeArchive(
	docker: Docker,
	connection: DockerConnection,
	volume: string,
	image: string,
	excluded: ExcludeMatcher | null,
	log?: Logger,
): Promise<{ stream: Readable; cleanup: () => Promise<void> }> {
	const helper = await createHelperContainer(docker, connection, image, `${volume}:/volume:ro`, log);
	const cleanup = () =>
		helper.remove({ force: true, v: false }).then(
			() => undefined,
			() => undefined,
		);
	try {
		const response = (await helper.getArchive({ path: '/volume/.' })) as unknown as Readable;
		const archive = new PassThrough({ highWaterMark: 1024 * 1024 });
		response.on('error', (error) => archive.destroy(engineStreamBroke(error, connection, `reading volume ${volume}`)));
		archive.on('close', () => response.destroy());
		response.pipe(archive);
		return { stream: excluded ? filterTar(archive, (path) => !excluded(path)) : archive, cleanup };
	} catch (error) {
		await cleanup();
		throw mapDockerError(error, connection);
	}
}
