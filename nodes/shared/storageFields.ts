import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { openPlace, type Place } from '../../core';
import { resolveBackupRoot } from './backupRootAccess';
import { s3SettingsFrom } from './credentialConnections';

/** Where the backup root is: a folder n8n can write to, or a bucket (for off-site, and for queue mode). */
export const storageField: INodeProperties = {
	displayName: 'Storage',
	name: 'storage',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Local Folder', value: 'local', description: 'A folder on the machine n8n runs on (mount a volume there in Docker)' },
		{
			name: 'S3 Bucket',
			value: 's3',
			description: 'A bucket on AWS or any S3 server (MinIO, Ceph, R2, B2): off-site, and reachable from every worker in queue mode',
		},
	],
	default: 'local',
};

/** The bucket root field: `s3://bucket/prefix`, in place of the folder when the storage is a bucket. */
export const bucketRootField: INodeProperties = {
	displayName: 'Bucket and Prefix',
	name: 'bucketRoot',
	type: 'string',
	default: '',
	required: true,
	placeholder: 's3://my-backups/n8n',
	description: 'The bucket, and a prefix inside it, that hold the backup sets: s3://bucket/prefix',
	hint: 'Each set gets <prefix>/<set>/<UTC time>/ with its manifest written last. The bucket must exist; nothing outside this prefix is ever touched.',
	displayOptions: { show: { storage: ['s3'] } },
};

/** A folder field that becomes a bucket address when the storage is a bucket. */
export function onLocalStorage(field: INodeProperties): INodeProperties {
	return { ...field, displayOptions: { ...field.displayOptions, show: { ...field.displayOptions?.show, storage: ['local'] } } };
}

/** Opens a bucket address with the node's S3 credential. */
export async function bucketPlace(ctx: IExecuteFunctions, text: string, itemIndex: number): Promise<Place> {
	const credential = await ctx.getCredentials<ICredentialDataDecryptedObject>('stackBackupS3Api', itemIndex);
	return openPlace(text, 'root', s3SettingsFrom(credential));
}

/** The backup root of one item: the allowed local folder, or the bucket with the S3 credential. */
export async function readRoot(ctx: IExecuteFunctions, itemIndex: number): Promise<string | Place> {
	if (ctx.getNodeParameter('storage', itemIndex, 'local') === 's3') {
		return bucketPlace(ctx, ctx.getNodeParameter('bucketRoot', itemIndex) as string, itemIndex);
	}
	return resolveBackupRoot(ctx, ctx.getNodeParameter('backupRoot', itemIndex) as string, itemIndex);
}
