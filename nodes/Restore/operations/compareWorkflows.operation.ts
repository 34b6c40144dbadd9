import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { workflowChangesSince, type LiveWorkflow } from '../../../core';
import { readSetFolder, setFolderField } from './setFolderField';
import { readTrust } from '../../shared/signingFields';

export const fields: INodeProperties[] = [
	setFolderField(['compareWorkflows']),
	{
		displayName: 'Running Workflows',
		name: 'runningWorkflows',
		type: 'json',
		default: '={{ $input.all().map(item => item.json) }}',
		required: true,
		description:
			'The workflows of the running n8n, as its API lists them (each with ID, name and updatedAt): put n8n\'s own n8n node ("Get many workflows", Return All) before this one. The default takes every input item.',
		displayOptions: { show: { operation: ['compareWorkflows'] } },
	},
];

function parseLive(ctx: IExecuteFunctions, value: unknown, i: number): LiveWorkflow[] {
	let list = value;
	if (typeof value === 'string') {
		try {
			list = JSON.parse(value);
		} catch {
			list = undefined;
		}
	}
	const rows = Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [];
	if (!Array.isArray(list) || rows.some((w) => !w || w.id === undefined || typeof w.updatedAt !== 'string'))
		throw new NodeOperationError(ctx.getNode(), 'Running Workflows is not a list of workflows with an ID and updatedAt', {
			itemIndex: i,
			description:
				'Put n8n\'s n8n node ("Get many workflows", Return All, with the n8n API credential) before this node, and keep the default expression.',
		});
	return rows.map((w) => ({ id: String(w.id), name: String(w.name ?? ''), updatedAt: String(w.updatedAt) }));
}

/**
 * One item: each workflow of the set marked unchanged, changed (with its updatedAt both sides),
 * deleted since, or new since, against the running n8n. The set's manifest is read: nothing is decompressed.
 * Runs once for all its input items (they are the running n8n's workflows, not sets).
 */
export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	if (i > 0) return [];
	const live = parseLive(ctx, ctx.getNodeParameter('runningWorkflows', i), i);
	const report = await workflowChangesSince(await readSetFolder(ctx, i), live, await readTrust(ctx, i));
	const counts = { unchanged: 0, changed: 0, 'deleted since': 0, 'new since': 0 };
	for (const w of report.workflows) counts[w.change]++;
	return [{ ...report, counts } as unknown as IDataObject];
}
