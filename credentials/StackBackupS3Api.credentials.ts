import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** An S3 server for backup roots in a bucket: AWS, or any S3 (MinIO, Ceph, Cloudflare R2, Backblaze B2...). */
export class StackBackupS3Api implements ICredentialType {
	name = 'stackBackupS3Api';

	displayName = 'Stack Backup S3 API';

	icon: Icon = { light: 'file:icons/s3.svg', dark: 'file:icons/s3.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-stack-backup/n8n-nodes-stack-backup#off-site-backups-in-an-s3-bucket';

	testedBy = 'stackBackupS3ConnectionTest';

	properties: INodeProperties[] = [
		{
			displayName: 'Endpoint',
			name: 'endpoint',
			type: 'string',
			default: '',
			placeholder: 'https://s3.example.com',
			description: "The server's URL. Leave empty for AWS itself. The bucket goes in the node's Bucket and Prefix field, not here.",
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: 'us-east-1',
			description: 'Most S3 servers other than AWS accept any region',
		},
		{ displayName: 'Access Key ID', name: 'accessKeyId', type: 'string', default: '', required: true },
		{
			displayName: 'Secret Access Key',
			name: 'secretAccessKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Force Path Style',
			name: 'forcePathStyle',
			type: 'boolean',
			default: true,
			description:
				'Whether to put the bucket in the path (https://host/bucket) rather than in the host name. Most servers other than AWS need it.',
		},
		{
			displayName: 'CA Certificate',
			name: 'caCertificate',
			type: 'string',
			typeOptions: { rows: 4, password: true },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				"PEM of the certificate authority that signed the server's certificate, for a private CA or a self-signed server. Certificates are always checked.",
		},
	];
}
