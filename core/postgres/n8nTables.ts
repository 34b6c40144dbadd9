import type { TableRef } from './dumpScope';

// n8n's execution history: usually most of the database, and not needed to
// bring an instance back (workflows, credentials and settings live elsewhere).
const EXECUTION_TABLES = ['execution_entity', 'execution_data', 'execution_metadata', 'execution_annotations', 'execution_annotation_tags'];

export interface N8nTables {
	prefix: string;
	schema: string;
	workflows: TableRef;
	credentials?: TableRef;
	migrations?: TableRef;
}

/**
 * Recognises an n8n database by its workflow_entity table, honouring n8n's
 * DB_TABLE_PREFIX (the prefix is whatever precedes "workflow_entity").
 */
export function findN8nTables(tables: readonly TableRef[]): N8nTables | undefined {
	const workflows =
		tables.find((t) => t.name === 'workflow_entity' && t.schema === 'public') ?? tables.find((t) => t.name.endsWith('workflow_entity'));
	if (!workflows) return undefined;
	const prefix = workflows.name.slice(0, -'workflow_entity'.length);
	const sibling = (name: string) => tables.find((t) => t.schema === workflows.schema && t.name === prefix + name);
	return {
		prefix,
		schema: workflows.schema,
		workflows,
		credentials: sibling('credentials_entity'),
		migrations: sibling('migrations'),
	};
}

/**
 * The tables whose rows "leave out execution history" drops: n8n's execution
 * tables, plus every table that references them by foreign key (directly or
 * through another), since their rows would point at executions that are not
 * in the dump and the restore would fail on the constraint.
 */
export function executionHistoryTables(
	n8n: N8nTables,
	tables: readonly TableRef[],
	foreignKeys: ReadonlyArray<{ from: TableRef; to: TableRef }>,
): TableRef[] {
	const key = (t: TableRef) => `${t.schema}.${t.name}`;
	const chosen = new Map<string, TableRef>();
	for (const name of EXECUTION_TABLES) {
		const table = tables.find((t) => t.schema === n8n.schema && t.name === n8n.prefix + name);
		if (table) chosen.set(key(table), table);
	}
	let grew = true;
	while (grew) {
		grew = false;
		for (const fk of foreignKeys) {
			if (chosen.has(key(fk.to)) && !chosen.has(key(fk.from))) {
				chosen.set(key(fk.from), fk.from);
				grew = true;
			}
		}
	}
	return [...chosen.values()];
}
