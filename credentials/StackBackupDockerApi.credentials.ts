import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** How to reach the Docker Engine: its unix socket, or tcp with optional TLS. */
export class StackBackupDockerApi implements ICredentialType {
	name = 'stackBackupDockerApi';

	displayName = 'Stack Backup Docker Engine API';

	icon: Icon = { light: 'file:icons/dockerEngine.svg', dark: 'file:icons/dockerEngine.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-stack-backup/n8n-nodes-stack-backup#docker-access';

	testedBy = 'stackBackupDockerConnectionTest';

	properties: INodeProperties[] = [
		{
			displayName: 'Connection',
			name: 'connection',
			type: 'options',
			options: [
				{ name: 'Unix Socket', value: 'socket' },
				{ name: 'TCP', value: 'tcp' },
			],
			default: 'socket',
		},
		{
			displayName: 'Socket Path',
			name: 'socketPath',
			type: 'string',
			default: '/var/run/docker.sock',
			description: 'The Docker Engine socket, as seen from inside n8n',
			displayOptions: { show: { connection: ['socket'] } },
		},
		{
			displayName:
				"n8n in Docker sees the socket only when it is mounted into its container: <code>volumes: - /var/run/docker.sock:/var/run/docker.sock</code>, and the n8n user needs its group (<code>group_add</code> with the socket's group id). Whoever can use this socket controls the host.",
			name: 'socketNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { connection: ['socket'] } },
		},
		{ displayName: 'Host', name: 'host', type: 'string', default: '', displayOptions: { show: { connection: ['tcp'] } } },
		{ displayName: 'Port', name: 'port', type: 'number', default: 2376, displayOptions: { show: { connection: ['tcp'] } } },
		{
			displayName: 'CA Certificate',
			name: 'ca',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			description: 'PEM text; leave the three certificate fields empty for plain tcp (only on a trusted network)',
			displayOptions: { show: { connection: ['tcp'] } },
		},
		{
			displayName: 'Client Certificate',
			name: 'cert',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			displayOptions: { show: { connection: ['tcp'] } },
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- a TLS private key is a secret
		{
			displayName: 'Client Key',
			name: 'key',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			displayOptions: { show: { connection: ['tcp'] } },
		},
	];
}
