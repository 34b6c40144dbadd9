import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

/**
 * n8n's workflows as its own export JSON (what `n8n export:workflow --all`
 * writes, and `n8n import:workflow --input` reads), kept beside a dump of
 * n8n's database or in an n8n folder set: the one format that survives a move
 * between SQLite and Postgres or across n8n versions, and what the Backup
 * Browser takes workflows from without touching the dump. One workflow per
 * line inside the array, so a reader streams it line by line.
 */
export const WORKFLOWS_BASE_NAME = 'workflows.json';
export const WORKFLOWS_FORMAT = 'n8n-export';

export interface WorkflowsExportInventory {
	workflows: number;
}

/** Workflows from `pages` (each page an array, in id order) as export JSON; `counted` gets the total at the end. */
export function workflowsExportStream(
	pages: AsyncIterable<ReadonlyArray<Record<string, unknown>>>,
	counted: (inventory: WorkflowsExportInventory) => void,
): Readable {
	return Readable.from(
		(async function* () {
			yield '[\n';
			let count = 0;
			for await (const page of pages) for (const workflow of page) yield `${count++ ? ',\n' : ''}${JSON.stringify(workflow)}`;
			yield `${count ? '\n' : ''}]\n`;
			counted({ workflows: count });
		})(),
		{ objectMode: false },
	);
}

/** The workflows of an export file, one at a time, from its stream (one per line, as written above). */
export async function* readExportedWorkflows(source: Readable): AsyncGenerator<Record<string, unknown>> {
	const lines = createInterface({ input: source, crlfDelay: Infinity });
	try {
		for await (const line of lines) {
			const text = line.trim().replace(/,$/, '');
			if (text.startsWith('{')) yield JSON.parse(text) as Record<string, unknown>;
		}
	} finally {
		// A reader that stops early (a broken line, a caller done) lets go of the file and its checks.
		lines.close();
		source.destroy();
	}
}

/** A workflow as a set's inventory lists it: what List, Compare and the browser read without the data. */
export interface WorkflowRecord {
	id: string;
	name: string;
	active: boolean | null;
	updatedAt: string;
	/** sha256 of the stored nodes text, a new line, and the connections text. */
	sha256: string;
}

/**
 * The inventory of an n8n folder set's workflows.json (SQLite): with its
 * records, since such a set has no dump inventory to list them from.
 */
export interface SqliteWorkflowsInventory extends WorkflowsExportInventory {
	source: 'sqlite';
	records: WorkflowRecord[];
}
