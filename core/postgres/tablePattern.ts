import { invalidInput } from '../errors/StackBackupError';

export interface TablePattern {
	source: string;
	schema?: RegExp;
	name: RegExp;
}

/**
 * Reads a pg_dump/psql name pattern ("public.execution_*", "\"MyTable\"")
 * into regular expressions, so that the inventory lists exactly the tables
 * pg_dump will dump: unquoted text is folded to lower case, "*" and "?" are
 * wildcards, double quotes keep text literal, and an unquoted "." separates
 * schema from table.
 */
export function parseTablePattern(pattern: string): TablePattern {
	if (!pattern || pattern.includes('\0')) {
		throw invalidInput(`Invalid table pattern "${pattern}"`, 'Use a name such as public.execution_data or execution_*.');
	}
	const parts: string[] = [''];
	let quoted = false;
	for (let i = 0; i < pattern.length; i++) {
		const ch = pattern[i];
		if (ch === '"') {
			if (quoted && pattern[i + 1] === '"') {
				parts[parts.length - 1] += escapeRegex('"');
				i++;
			} else quoted = !quoted;
		} else if (!quoted && ch === '.') parts.push('');
		else if (!quoted && ch === '*') parts[parts.length - 1] += '.*';
		else if (!quoted && ch === '?') parts[parts.length - 1] += '.';
		else parts[parts.length - 1] += escapeRegex(quoted ? ch : ch.toLowerCase());
	}
	if (quoted || parts.length > 3 || parts.some((p) => p === '')) {
		throw invalidInput(`Invalid table pattern "${pattern}"`, 'Use name, schema.name, or database.schema.name.');
	}
	const name = new RegExp(`^${parts[parts.length - 1]}$`);
	const schema = parts.length >= 2 ? new RegExp(`^${parts[parts.length - 2]}$`) : undefined;
	return { source: pattern, schema, name };
}

function escapeRegex(text: string): string {
	return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export function patternMatches(pattern: TablePattern, schema: string, name: string): boolean {
	return (!pattern.schema || pattern.schema.test(schema)) && pattern.name.test(name);
}

/** A pattern that matches exactly one table, for passing to pg_dump. */
export function exactTablePattern(schema: string, name: string): string {
	const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
	return `${quote(schema)}.${quote(name)}`;
}
