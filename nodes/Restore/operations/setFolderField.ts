import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { resolveAllowedPath } from '../../shared/backupRootAccess';

/** The set a Restore operation reads: a run folder, or a set folder for its newest complete set. */
export function setFolderField(operations: string[]): INodeProperties {
	return {
		displayName: 'Set Folder',
		name: 'setFolder',
		type: 'string',
		default: '',
		required: true,
		placeholder: '~/.n8n-files/backups/n8n-postgres',
		description: 'A set folder (its newest complete run is used) or one run folder, e.g. …/n8n-postgres/2026-11-17T02-00-00.000Z',
		displayOptions: { show: { operation: operations } },
	};
}

export function readSetFolder(ctx: IExecuteFunctions, itemIndex: number): Promise<string> {
	return resolveAllowedPath(ctx, ctx.getNodeParameter('setFolder', itemIndex) as string, itemIndex, 'set folder', 'read');
}
