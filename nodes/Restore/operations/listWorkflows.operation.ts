import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { listWorkflows } from '../../../core';
import { readSetFolder, setFolderField } from './setFolderField';
import { readTrust } from '../../shared/signingFields';

export const fields: INodeProperties[] = [setFolderField(['listWorkflows'])];

/** One item per n8n workflow in the set, from its manifest alone. */
export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	return (await listWorkflows(await readSetFolder(ctx, i), await readTrust(ctx, i))) as unknown as IDataObject[];
}
