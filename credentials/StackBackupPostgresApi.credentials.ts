import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * A Postgres connection for backups. Field names mirror n8n's built-in
 * Postgres credential so it feels familiar; n8n does not let community nodes
 * reuse the built-in one.
 */
export class StackBackupPostgresApi implements ICredentialType {
	name = 'stackBackupPostgresApi';

	displayName = 'Stack Backup Postgres API';

	icon: Icon = { light: 'file:../nodes/PostgresDump/postgresDump.svg', dark: 'file:../nodes/PostgresDump/postgresDump.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-stack-backup/n8n-nodes-stack-backup#credentials';

	testedBy = 'stackBackupPostgresConnectionTest';

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'postgres',
			description:
				'In Docker Compose, the service name of the database (often "postgres"). With the "Docker Container" method, only the credential test uses it.',
		},
		{ displayName: 'Database', name: 'database', type: 'string', default: 'n8n' },
		{ displayName: 'User', name: 'user', type: 'string', default: 'n8n' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Allow', value: 'allow' },
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require', value: 'require' },
			],
			default: 'disable',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field -- a yes/no switch, not a secret ("Auth" in its name misleads the rule)
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			default: false,
			displayOptions: { show: { ssl: ['require'] } },
		},
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432 },
	];
}
