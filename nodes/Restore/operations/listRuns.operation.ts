import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { browseRuns, type RunsPage } from '../../../core';
import { readSetFolder, setFolderField } from './setFolderField';

const show = { operation: ['listRuns'] };

export const fields: INodeProperties[] = [
	{
		...setFolderField(['listRuns']),
		description:
			'The set folder whose runs to list, e.g. ~/.n8n-files/backups/n8n-postgres. With S3 Bucket storage: s3://bucket/prefix/n8n-postgres.',
	},
	{
		displayName: 'Runs Before',
		name: 'runsBefore',
		type: 'string',
		default: '',
		placeholder: '2026-11-30',
		description: 'Only runs that started before this date and time. Empty: the newest runs.',
		displayOptions: { show },
	},
	{
		displayName: 'Runs Per Page',
		name: 'pageSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 500 },
		default: 50,
		description: 'How many complete runs one item lists, newest first. Only their manifests are read, however many runs the set holds.',
		displayOptions: { show },
	},
];

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page as an HTML table, for a form's HTML field (a dropdown shows only the start of a label). */
function runsTable(runs: RunsPage['runs']): string {
	const head = ['Run (UTC)', 'Size', 'Age', 'Workflows', 'Warnings', 'Last drill', 'Pinned'];
	const rows = runs.map((r) => {
		const cells = [
			r.startedAt.slice(0, 19).replace('T', ' '),
			r.size,
			r.age,
			r.workflows === null ? '' : String(r.workflows),
			r.warnings.length ? String(r.warnings.length) : '',
			r.lastDrill ? `${r.lastDrill.verdict.toUpperCase()} ${r.lastDrill.at.slice(0, 10)}` : 'never',
			r.pinned ?? '',
		];
		return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
	});
	return `<table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

/**
 * One item: a page of the set's complete runs, newest first, each with its size, age, warnings, pin,
 * last drill and a label, and the page as an HTML table (`html`) for a form.
 */
export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const page = await browseRuns({
		setFolder: await readSetFolder(ctx, i),
		before: ctx.getNodeParameter('runsBefore', i, '') as string,
		limit: ctx.getNodeParameter('pageSize', i, 50) as number,
	});
	return { ...page, html: runsTable(page.runs) } as unknown as IDataObject;
}
