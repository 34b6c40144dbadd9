import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** A Redis connection for snapshots, with the field names of n8n's built-in Redis credential. */
export class StackBackupRedisApi implements ICredentialType {
	name = 'stackBackupRedisApi';

	displayName = 'Stack Backup Redis API';

	icon: Icon = { light: 'file:../nodes/RedisSnapshot/redisSnapshot.svg', dark: 'file:../nodes/RedisSnapshot/redisSnapshot.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-stack-backup/n8n-nodes-stack-backup#redis-snapshot';

	testedBy = 'stackBackupRedisConnectionTest';

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'redis',
			description:
				'In Docker Compose, the service name of Redis. With the "Docker Container" method only the port, user and password are used (inside the container).',
		},
		{ displayName: 'Port', name: 'port', type: 'number', default: 6379 },
		{ displayName: 'User', name: 'user', type: 'string', default: '', description: 'Leave empty unless Redis uses ACL users' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Database Number', name: 'database', type: 'number', default: 0 },
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false },
		{
			displayName: 'Disable TLS Verification (Insecure)',
			name: 'disableTlsVerification',
			type: 'boolean',
			default: false,
			displayOptions: { show: { ssl: [true] } },
		},
	];
}
