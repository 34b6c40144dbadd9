import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { Place } from '../../../core';
import { resolveAllowedPath } from '../../shared/backupRootAccess';
import { bucketPlace } from '../../shared/storageFields';

/** The set a Restore operation reads: a run folder, or a set folder for its newest complete set. */
export function setFolderField(operations: string[]): INodeProperties {
	return {
		displayName: 'Set Folder',
		name: 'setFolder',
		type: 'string',
		default: '',
		required: true,
		placeholder: '~/.n8n-files/backups/n8n-postgres',
		description:
			'A set folder (its newest complete run is used) or one run folder, e.g. …/n8n-postgres/2026-11-17T02-00-00.000Z. With S3 Bucket storage: s3://bucket/prefix/n8n-postgres.',
		displayOptions: { show: { operation: operations } },
	};
}

export function readSetFolder(ctx: IExecuteFunctions, itemIndex: number): Promise<string | Place> {
	return setPlace(ctx, ctx.getNodeParameter('setFolder', itemIndex) as string, itemIndex);
}

/** A set or run folder as typed: in the bucket of the S3 credential, or an allowed local folder. */
export function setPlace(ctx: IExecuteFunctions, text: string, itemIndex: number): Promise<string | Place> {
	if (ctx.getNodeParameter('storage', itemIndex, 'local') === 's3') return bucketPlace(ctx, text, itemIndex);
	return resolveAllowedPath(ctx, text, itemIndex, 'set folder', 'read');
}
