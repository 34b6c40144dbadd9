import { OutputItems } from './outputItems';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { FieldNames } from './fieldNames';
import { errorItemJson, toNodeError } from './nodeErrors';

/**
 * The item loop every Stack Backup node shares: one output item per input
 * item (or several, when `handle` returns a list: one per set or workflow),
 * paired with it; with "Continue On Fail" a failure becomes an error item,
 * otherwise it stops the workflow (and fires its error workflow).
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handle: (itemIndex: number) => Promise<IDataObject | IDataObject[] | OutputItems>,
	/** This node's labels where they differ from FIELD_NAMES, for the hints of its errors. */
	fieldNames?: FieldNames,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await handle(itemIndex);
			if (result instanceof OutputItems) {
				out.push(...result.items);
				continue;
			}
			for (const json of Array.isArray(result) ? result : [result]) out.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (ctx.continueOnFail()) {
				out.push({ json: errorItemJson(error, fieldNames), pairedItem: { item: itemIndex } });
				continue;
			}
			throw toNodeError(ctx.getNode(), error, itemIndex, fieldNames);
		}
	}
	return [out];
}
