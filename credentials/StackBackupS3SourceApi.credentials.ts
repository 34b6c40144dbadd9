import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';
import { StackBackupS3Api } from './StackBackupS3Api.credentials';

/**
 * The S3 server a bucket is archived from (Volume Archive's S3 Bucket source): often not the
 * server the backups go to (a MinIO in the stack, sets off-site on another), so a credential of
 * its own, with the same fields.
 */
export class StackBackupS3SourceApi implements ICredentialType {
	name = 'stackBackupS3SourceApi';

	displayName = 'Stack Backup S3 Source API';

	icon: Icon = { light: 'file:icons/s3.svg', dark: 'file:icons/s3.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-stack-backup/n8n-nodes-stack-backup#off-site-backups-in-an-s3-bucket';

	testedBy = 'stackBackupS3ConnectionTest';

	properties: INodeProperties[] = new StackBackupS3Api().properties;
}
