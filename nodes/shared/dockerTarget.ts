import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { DockerConnection } from '../../core';
import { dockerConnectionFrom } from './credentialConnections';

/** The Docker credential and the "Container Name" field, for the nodes' Docker Container method. */
export async function readContainerTarget(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<{ connection: DockerConnection; container: string }> {
	return {
		connection: dockerConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', itemIndex)),
		container: ctx.getNodeParameter('containerName', itemIndex) as string,
	};
}

/** The "Container Name" field of the Docker Container method; readContainerTarget reads it. */
export function containerNameField(defaultName: string, server: string): INodeProperties {
	return {
		displayName: 'Container Name',
		name: 'containerName',
		type: 'string',
		default: defaultName,
		required: true,
		description: `Name of the ${server} container, as \`docker ps\` shows it`,
		displayOptions: { show: { method: ['docker'] } },
	};
}
