import { createDockerClient, describeDocker, type DockerConnection } from './dockerConnection';
import { mapDockerError } from './dockerErrors';

/** Pings the Engine and reads its version: what a credential test needs. */
export async function checkDockerEngine(connection: DockerConnection): Promise<string> {
	try {
		const version = await createDockerClient(connection).version();
		return `Connected to Docker Engine ${version.Version} at ${describeDocker(connection)}`;
	} catch (error) {
		throw mapDockerError(error, connection);
	}
}
