import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** An Ed25519 key pair for signed sets: the private key signs where backups run, the public key checks where restores run. */
export class StackBackupSigningKeyApi implements ICredentialType {
	name = 'stackBackupSigningKeyApi';

	displayName = 'Stack Backup Signing Key API';

	icon: Icon = { light: 'file:icons/encryption.svg', dark: 'file:icons/encryption.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-stack-backup/n8n-nodes-stack-backup#signed-sets';

	testedBy = 'stackBackupSigningKeyTest';

	properties: INodeProperties[] = [
		{
			displayName: 'Private Key (Only Where Backups Run)',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description:
				'The Ed25519 private key (PEM) that signs every manifest. Make one with `n8n-stack-backup keygen --signing-key signing.pem`. Leave empty on an n8n that only restores: it can then check sets but never sign one.',
		},
		{
			displayName: 'Public Key',
			name: 'publicKey',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: '-----BEGIN PUBLIC KEY-----',
			description:
				'The matching public key (PEM, signing.pem.pub): sets not signed by it are refused. Left empty, it is derived from the private key.',
		},
	];
}
