import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { DockerConnection } from './dockerConnection';
import { mapDockerError } from './dockerErrors';
import { helperLabels, removeOrphanedHelpers } from './helperContainer';

export interface OneShotRequest {
	image: string;
	/** Volume or folder binds, "source:/path". */
	binds: string[];
	/** A shell script run as root; its output is returned (the tail). */
	script: string;
	timeoutMs: number;
	/** Called on the created container before it starts: the archive API may write into its mounts. */
	beforeStart?: (container: Docker.Container) => Promise<void>;
}

export interface OneShotResult {
	exitCode: number;
	output: string;
}

const OUTPUT_LIMIT = 16 * 1024;

/**
 * Runs a short shell script in a throwaway container of `image` (the Postgres container's own
 * image, so its users and tools are the server's), with no network, and removes it whatever
 * happens. A script that runs past its limit is killed.
 */
export async function runOneShot(docker: Docker, connection: DockerConnection, request: OneShotRequest): Promise<OneShotResult> {
	await removeOrphanedHelpers(docker);
	let container: Docker.Container;
	try {
		container = await docker.createContainer({
			name: `n8n-stack-oneshot-${randomBytes(4).toString('hex')}`,
			Image: request.image,
			Entrypoint: ['sh', '-c', request.script],
			Cmd: [],
			User: '0:0',
			Labels: helperLabels('oneshot'),
			NetworkDisabled: true,
			HostConfig: { NetworkMode: 'none', Binds: request.binds },
		});
	} catch (error) {
		throw mapDockerError(error, connection);
	}
	try {
		if (request.beforeStart) await request.beforeStart(container);
		await container.start();
		let timer: NodeJS.Timeout | undefined;
		const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), request.timeoutMs)));
		const ended = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, limit]).finally(() => clearTimeout(timer));
		if (ended === 'timeout') await container.kill().catch(() => undefined);
		const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
		const output = demuxText(logs).slice(-OUTPUT_LIMIT);
		return { exitCode: ended === 'timeout' ? 124 : ended.StatusCode, output };
	} catch (error) {
		throw mapDockerError(error, connection, container.id);
	} finally {
		await container.remove({ force: true }).catch(() => undefined);
	}
}

// A container without a TTY multiplexes its logs: 8-byte frame headers, then the text.
export function demuxText(buffer: Buffer): string {
	const parts: Buffer[] = [];
	let at = 0;
	while (at + 8 <= buffer.length) {
		const size = buffer.readUInt32BE(at + 4);
		parts.push(buffer.subarray(at + 8, at + 8 + size));
		at += 8 + size;
	}
	return Buffer.concat(parts).toString('utf8');
}
