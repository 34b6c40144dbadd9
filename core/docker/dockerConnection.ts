import type Docker from 'dockerode';
import { invalidInput } from '../errors/StackBackupError';

export interface DockerConnection {
	/** Unix socket path, e.g. /var/run/docker.sock. */
	socketPath?: string;
	/** TCP host and port, used when no socket path is given. */
	host?: string;
	port?: number;
	/** PEM texts for a TLS-protected Engine (tcp only). */
	ca?: string;
	cert?: string;
	key?: string;
	/**
	 * How long a request may go without a byte from the Engine (default 300 s). A frozen
	 * Engine keeps its socket open; without a limit a call, or a stream, would wait forever.
	 */
	timeoutMs?: number;
}

export const DEFAULT_DOCKER_TIMEOUT_MS = 300_000;

/**
 * The Engine's limit for a run whose sources may be silent for `stallMs`: never shorter,
 * so a stream is ended by the run's own stall check (which names the step), and never
 * under 30 s, which a busy Engine may need to create a container.
 */
export function withDockerLimit(connection: DockerConnection, stallMs: number): DockerConnection {
	return { ...connection, timeoutMs: Math.max(30_000, stallMs + 5_000) };
}

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** Parses a DOCKER_HOST-style address: unix:///path.sock or tcp://host:port. */
export function parseDockerHost(value: string): DockerConnection {
	if (value.startsWith('unix://')) return { socketPath: value.slice('unix://'.length) };
	if (value.startsWith('/')) return { socketPath: value };
	const match = /^(?:tcp|https?):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(value);
	if (match) return { host: match[1], port: match[2] ? Number(match[2]) : 2375 };
	throw invalidInput(`Cannot read the Docker address "${value}"`, 'Use unix:///var/run/docker.sock or tcp://host:2376.');
}

export function describeDocker(connection: DockerConnection): string {
	return connection.socketPath ? `unix://${connection.socketPath}` : `tcp://${connection.host}:${connection.port ?? 2375}`;
}

// Loaded on first use: dockerode (with its HTTP and SSH stack) takes about a quarter
// second to load, which a run that never talks to Docker (a local pg_dump) should not pay.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDockerode = (): typeof Docker => require('dockerode');

export function createDockerClient(connection: DockerConnection): Docker {
	const Docker = loadDockerode();
	const timeout = connection.timeoutMs ?? DEFAULT_DOCKER_TIMEOUT_MS;
	if (connection.socketPath) return new Docker({ socketPath: connection.socketPath, timeout });
	const tls = Boolean(connection.ca || connection.cert || connection.key);
	return new Docker({
		host: connection.host,
		port: connection.port ?? (tls ? 2376 : 2375),
		protocol: tls ? 'https' : 'http',
		ca: connection.ca || undefined,
		cert: connection.cert || undefined,
		key: connection.key || undefined,
		timeout,
	});
}
