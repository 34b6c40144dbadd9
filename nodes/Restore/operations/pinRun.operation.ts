import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { pinRun, unpinRun } from '../../../core';
import { readSetFolder, setFolderField } from './setFolderField';

export const fields: INodeProperties[] = [
	{
		...setFolderField(['pinRun', 'unpinRun']),
		description:
			'The run folder to pin or unpin, e.g. …/n8n-postgres/2026-11-17T02-00-00.000Z (a set folder means its newest complete run). With S3 Bucket storage: s3://bucket/prefix/n8n-postgres/….',
	},
	{
		displayName: 'Pin Reason',
		name: 'pinReason',
		type: 'string',
		default: '',
		placeholder: 'before the 2.42 upgrade',
		description: 'Why this run is kept: retention reports it as kept as "pinned" with this reason',
		displayOptions: { show: { operation: ['pinRun'] } },
	},
];

/** Pins a run: retention never deletes it and reports it as kept for "pinned: reason". */
export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	return (await pinRun(await readSetFolder(ctx, i), ctx.getNodeParameter('pinReason', i, '') as string)) as unknown as IDataObject;
}

/** Removes a run's pin: retention judges it by the keep rules again. */
export const unpin = {
	fields: [] as INodeProperties[],
	async execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
		return (await unpinRun(await readSetFolder(ctx, i))) as unknown as IDataObject;
	},
};
