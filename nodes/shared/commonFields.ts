import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { parseCompression, type Compression, type EncryptionOptions, type Logger, type Place, type SigningOptions } from '../../core';
import { bucketRootField, onLocalStorage, readRoot } from './storageFields';
import { coreLoggerFor } from './coreLogger';
import { readEncryption } from './encryptionFields';
import { readSigning } from './signingFields';

/** Where a set lives: the backup root and the set name, in the same words on every node. */
export function setLocationFields(defaultSetName: string): INodeProperties[] {
	return [
		onLocalStorage({
			displayName: 'Backup Root Folder',
			name: 'backupRoot',
			type: 'string',
			default: '~/.n8n-files/backups',
			required: true,
			description: 'Folder that holds the backup sets, one subfolder per set name',
			hint: 'Each set gets a subfolder here, and each run a folder in it named by its UTC time. n8n 2.x writes only under N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files): in Docker, mount a volume on that folder so the backups outlive the container.',
		}),
		bucketRootField,
		{
			displayName: 'Set Name',
			name: 'setName',
			type: 'string',
			default: defaultSetName,
			required: true,
			description: 'Name of this backup series. Retention and restores work per set name. Letters, digits, ".", "_" and "-".',
		},
	];
}

/**
 * Fields every node that writes a backup set shows. The Storage choice is not among them: the S3
 * credential depends on it, so each node places storageField at the top, as with Encrypt. The Encrypt switch is not among them: the
 * credential it shows depends on it, and n8n puts credential selectors after the last field they
 * depend on, so each node places it at the top, beside Method.
 */
export function backupSetFields(defaultSetName: string): INodeProperties[] {
	return [
		...setLocationFields(defaultSetName),
		{
			displayName: 'Compression',
			name: 'compression',
			type: 'options',
			options: [
				{ name: 'Zstandard (Fast, Small)', value: 'zstd' },
				{ name: 'Gzip (Widely Readable)', value: 'gzip' },
				{ name: 'None', value: 'none' },
			],
			default: 'zstd',
			description: 'How each artifact is compressed: zstd is fastest and smallest; gzip is read by any tool',
		},
	];
}

/** The values of setLocationFields for one item. */
export async function readSetLocation(ctx: IExecuteFunctions, itemIndex: number): Promise<{ root: string | Place; setName: string }> {
	return {
		root: await readRoot(ctx, itemIndex),
		setName: ctx.getNodeParameter('setName', itemIndex) as string,
	};
}

/** The values of backupSetFields for one item, with the run id and logger every core backup takes. */
export async function readBackupSetFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<{
	root: string | Place;
	setName: string;
	runId: string;
	log: Logger;
	compression: Compression;
	encryption?: EncryptionOptions;
	signing?: SigningOptions;
	stallTimeoutSeconds?: number | string;
}> {
	return {
		...(await readSetLocation(ctx, itemIndex)),
		runId: ctx.getExecutionId(),
		log: coreLoggerFor(ctx),
		compression: parseCompression(ctx.getNodeParameter('compression', itemIndex) as string),
		encryption: await readEncryption(ctx, itemIndex),
		signing: await readSigning(ctx, itemIndex),
		stallTimeoutSeconds: (ctx.getNodeParameter('options', itemIndex, {}) as { stallTimeoutSeconds?: number | string }).stallTimeoutSeconds,
	};
}
