import Docker from 'dockerode';
import { testEnv } from './testEnv';

export function testDocker(): Docker {
	return new Docker({ socketPath: testEnv().dockerSocket });
}

/** Runs `body` with a busybox container (no PostgreSQL tools) named `name`, then removes it. */
export async function withBusyboxContainer<T>(name: string, start: boolean, body: () => Promise<T>): Promise<T> {
	const remove = await busyboxContainer(name, start);
	try {
		return await body();
	} finally {
		await remove();
	}
}

/**
 * A container from the local busybox image, without PostgreSQL tools,
 * started or only created. Removed by the returned function.
 */
export async function busyboxContainer(name: string, start: boolean): Promise<() => Promise<void>> {
	const docker = testDocker();
	await docker
		.getContainer(name)
		.remove({ force: true })
		.catch(() => undefined);
	const container = await docker.createContainer({
		name,
		Image: testEnv().helperImage,
		// PID 1 ignores SIGTERM unless it traps it: without this every stop waits 10 s.
		Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
		Labels: { 'io.stack-backup-testenv': '1' },
		HostConfig: { NetworkMode: 'none' },
	});
	if (start) await container.start();
	return async () => {
		await container.remove({ force: true }).catch(() => undefined);
	};
}
