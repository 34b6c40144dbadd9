import type { INodeExecutionData } from 'n8n-workflow';

/** What an operation returns when its items carry more than JSON (a file in `binary`). */
export class OutputItems {
	constructor(readonly items: INodeExecutionData[]) {}
}
