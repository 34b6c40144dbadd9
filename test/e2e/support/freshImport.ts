import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8nInstance, type InstanceOptions } from './n8nInstance';

export interface ExportedWorkflow {
	id: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
}

/** n8n's own export of every workflow (`n8n export:workflow --all`), read back. */
export async function exportAll(n8n: N8nInstance): Promise<ExportedWorkflow[]> {
	const file = join(n8n.userFolder, `export-${Date.now()}.json`);
	await n8n.cliOk(['export:workflow', '--all', `--output=${file}`]);
	return JSON.parse(readFileSync(file, 'utf8')) as ExportedWorkflow[];
}

/**
 * A set's workflows.json given, unedited, to `n8n import:workflow --input` of an n8n that never
 * ran before (its own user folder and database); what that n8n then holds, by its own export.
 */
export async function importIntoFreshN8n(file: string, options: Omit<InstanceOptions, 'installPackage'>): Promise<ExportedWorkflow[]> {
	const fresh = new N8nInstance({ ...options, installPackage: false });
	await fresh.cliOk(['import:workflow', `--input=${file}`], 300_000);
	return exportAll(fresh);
}

/** Each workflow's nodes and connections, by id: what must survive the move. */
export function nodesAndConnections(workflows: readonly ExportedWorkflow[]): Record<string, { nodes: unknown[]; connections: unknown }> {
	return Object.fromEntries(workflows.map((w) => [w.id, { nodes: w.nodes, connections: w.connections }]));
}
