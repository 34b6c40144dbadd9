import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import type { DockerConnection } from '../../core';
import { dockerConnectionFrom } from './credentialConnections';

/** The Docker credential and the "Container Name" field, for the nodes' Docker Container method. */
export async function readContainerTarget(ctx: IExecuteFunctions, itemIndex: number): Promise<{ connection: DockerConnection; container: string }> {
	return {
		connection: dockerConnectionFrom(await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupDockerApi', itemIndex)),
		container: ctx.getNodeParameter('containerName', itemIndex) as string,
	};
}
