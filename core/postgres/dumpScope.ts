import { parseTablePattern, patternMatches, type TablePattern } from './tablePattern';

export interface TableRef {
	schema: string;
	name: string;
}

export interface ScopedTable extends TableRef {
	/** False when pg_dump writes the table's definition but not its rows. */
	dataIncluded: boolean;
}

export interface DumpFilters {
	includeSchemas?: string[];
	excludeSchemas?: string[];
	includeTables?: string[];
	excludeTables?: string[];
	excludeTableData?: string[];
}

function parseAll(patterns: string[] | undefined): TablePattern[] {
	return (patterns ?? []).filter((p) => p.trim() !== '').map((p) => parseTablePattern(p.trim()));
}

function schemaPattern(pattern: string): TablePattern {
	// A schema pattern is read like a table pattern whose last part is the schema.
	const parsed = parseTablePattern(pattern.trim());
	return { source: pattern, name: parsed.name };
}

/**
 * Which tables pg_dump will write, and which of them with rows, under the
 * same rules as pg_dump: -t selects tables regardless of -n/-N; otherwise
 * -n/-N select schemas; -T removes tables; --exclude-table-data keeps only
 * the definition.
 */
export function scopeTables(tables: readonly TableRef[], filters: DumpFilters): ScopedTable[] {
	const includeTables = parseAll(filters.includeTables);
	const excludeTables = parseAll(filters.excludeTables);
	const noData = parseAll(filters.excludeTableData);
	const includeSchemas = (filters.includeSchemas ?? []).filter((s) => s.trim()).map(schemaPattern);
	const excludeSchemas = (filters.excludeSchemas ?? []).filter((s) => s.trim()).map(schemaPattern);
	const any = (patterns: TablePattern[], t: TableRef) => patterns.some((p) => patternMatches(p, t.schema, t.name));
	const schemaAny = (patterns: TablePattern[], t: TableRef) => patterns.some((p) => p.name.test(t.schema));

	return tables
		.filter((t) => {
			if (includeTables.length > 0) return any(includeTables, t);
			if (includeSchemas.length > 0 && !schemaAny(includeSchemas, t)) return false;
			return !schemaAny(excludeSchemas, t);
		})
		.filter((t) => !any(excludeTables, t))
		.map((t) => ({ schema: t.schema, name: t.name, dataIncluded: !any(noData, t) }));
}
