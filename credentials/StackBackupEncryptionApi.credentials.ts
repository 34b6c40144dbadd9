import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** age keys for encryption at rest: recipients to encrypt to, and what opens the sets on restore. */
export class StackBackupEncryptionApi implements ICredentialType {
	name = 'stackBackupEncryptionApi';

	displayName = 'Stack Backup Encryption API';

	icon: Icon = { light: 'file:icons/encryption.svg', dark: 'file:icons/encryption.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-stack-backup/n8n-nodes-stack-backup#encryption-at-rest';

	testedBy = 'stackBackupEncryptionTest';

	properties: INodeProperties[] = [
		{
			displayName: 'Encrypt With',
			name: 'mode',
			type: 'options',
			options: [
				{ name: 'Age Public Keys (Recommended)', value: 'recipients' },
				{ name: 'Passphrase', value: 'passphrase' },
			],
			default: 'recipients',
		},
		{
			displayName: 'Recipients',
			name: 'recipients',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
			description: 'Public keys (age1…) to encrypt every artifact to, one per line. Make a key pair with `age-keygen -o key.txt`.',
			displayOptions: { show: { mode: ['recipients'] } },
		},
		{
			displayName: 'Secret Key (Identity, Only for Restores)',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true, rows: 2 },
			default: '',
			placeholder: 'AGE-SECRET-KEY-1…',
			description:
				'The secret key that opens the sets, needed by Stack Restore only. Leave empty on the machine that makes the backups: a set is then safe even if this n8n is compromised.',
			displayOptions: { show: { mode: ['recipients'] } },
		},
		{
			displayName: 'Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Encrypts and opens the sets (scrypt: about 3 s and 256 MiB per artifact, by design)',
			displayOptions: { show: { mode: ['passphrase'] } },
		},
	];
}
