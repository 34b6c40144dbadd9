import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { minipassToReadable } from '../archive/minipassToReadable';
import { Parser, type ReadEntry } from 'tar';
import type { DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { StackBackupError } from '../errors/StackBackupError';

/**
 * One regular file out of a container, streamed: the Docker archive API
 * sends a tar, node-tar's parser yields its single entry.
 */
export async function readFileFromContainer(container: Docker.Container, docker: DockerConnection, path: string): Promise<Readable> {
	let archive: NodeJS.ReadableStream;
	try {
		archive = await container.getArchive({ path });
	} catch (error) {
		const e = error as { statusCode?: number };
		if (e.statusCode === 404) {
			throw new StackBackupError('REDIS_FAILED', `${path} does not exist in the container`, {
				hint: "Redis wrote its dump elsewhere: check CONFIG GET dir and dbfilename, and that they are on the container's file system.",
			});
		}
		throw mapDockerError(error, docker);
	}
	const out = new PassThrough({ highWaterMark: 1024 * 1024 });
	let found = false;
	const parser = new Parser({
		onReadEntry: (entry: ReadEntry) => {
			if (found || entry.type !== 'File') return entry.resume();
			found = true;
			minipassToReadable(entry).pipe(out);
		},
	});
	parser.on('error', (e: Error) => out.destroy(e));
	parser.on('end', () => {
		if (!found)
			out.destroy(
				new StackBackupError('REDIS_FAILED', `${path} in the container is not a regular file`, {
					hint: 'Check CONFIG GET dir and dbfilename.',
				}),
			);
	});
	(archive as Readable).on('error', (e: Error) => out.destroy(e));
	(archive as Readable).pipe(parser as unknown as NodeJS.WritableStream);
	return out;
}
