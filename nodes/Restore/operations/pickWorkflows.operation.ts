import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { OutputItems } from '../../shared/outputItems';
import { asRestoredCopy, pickExportedWorkflows } from '../../../core';
import { readSetFolder, setFolderField } from './setFolderField';
import { readDecryptionKeys } from '../../shared/encryptionFields';
import { readTrust } from '../../shared/signingFields';
import { splitList } from '../../shared/splitList';

const show = { operation: ['pickWorkflows'] };

export const fields: INodeProperties[] = [
	setFolderField(['pickWorkflows']),
	{
		displayName: 'Workflow IDs',
		name: 'workflowIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'wf1AAAAAAAAAAAAA, wf2BBBBBBBBBBBBB',
		description: 'The workflows to take from the set, separated by commas or new lines (or an expression giving a list)',
		displayOptions: { show },
	},
	{
		displayName: 'Output',
		name: 'pickOutput',
		type: 'options',
		options: [
			{
				name: 'Copies to Create',
				value: 'copies',
				description:
					'One item per workflow, named "&lt;name&gt; (restored YYYY-MM-DD)", for the n8n node\'s "Create a workflow" (Workflow Object = {{ JSON.stringify($JSON.workflow) }})',
			},
			{
				name: 'JSON File',
				value: 'file',
				description: 'One item with the workflows as a file in n8n\'s export format ("n8n import:workflow --input" takes it)',
			},
		],
		default: 'copies',
		displayOptions: { show },
	},
];

function idsOf(value: unknown): string[] {
	return Array.isArray(value) ? value.map(String) : splitList(value);
}

/** Chosen workflows out of the set's workflows.json (its checksum proven): the dump is never read. */
export async function execute(ctx: IExecuteFunctions, i: number): Promise<OutputItems> {
	const picked = await pickExportedWorkflows({
		setPath: await readSetFolder(ctx, i),
		workflowIds: idsOf(ctx.getNodeParameter('workflowIds', i)),
		keys: await readDecryptionKeys(ctx, i),
		trust: await readTrust(ctx, i),
	});
	const source = { set: picked.set, path: picked.path, backedUpAt: picked.backedUpAt };
	if (ctx.getNodeParameter('pickOutput', i, 'copies') === 'copies') {
		return new OutputItems(
			picked.workflows.map((w) => ({
				json: { workflow: asRestoredCopy(w), source: { ...source, id: String(w.id), name: String(w.name) } } as IDataObject,
				pairedItem: { item: i },
			})),
		);
	}
	const day = picked.backedUpAt.slice(0, 10);
	const file = await ctx.helpers.prepareBinaryData(
		Buffer.from(`${JSON.stringify(picked.workflows, null, 2)}\n`),
		`workflows-${picked.set}-${day}.json`,
		'application/json',
	);
	return new OutputItems([
		{
			json: { ...source, workflows: picked.workflows.map((w) => ({ id: String(w.id), name: String(w.name) })) },
			binary: { data: file },
			pairedItem: { item: i },
		},
	]);
}
