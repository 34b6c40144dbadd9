import { isStackBackupError, StackBackupError } from '../errors/StackBackupError';
import { aboutFields, type OptionField } from '../options/optionFields';
import { optionList } from '../options/optionList';
import type { DumpFilters } from './dumpScope';
import { parseTablePattern } from './tablePattern';

/** The five pg_dump filter lists as a user typed them: one comma-separated text, or several. */
export type DumpFilterInput = { [K in keyof DumpFilters]?: string | readonly string[] };

const FILTER_FIELDS: Record<keyof DumpFilters, OptionField> = {
	includeSchemas: 'includeSchemas',
	excludeSchemas: 'excludeSchemas',
	includeTables: 'includeTables',
	excludeTables: 'excludeTables',
	excludeTableData: 'excludeTableData',
};

/**
 * Splits each list (at commas outside double quotes, so `public."A, B"` is one name) and
 * checks every pattern before anything runs; a bad one names its list.
 */
export function readDumpFilters(input: DumpFilterInput): DumpFilters {
	const filters: DumpFilters = {};
	for (const [key, field] of Object.entries(FILTER_FIELDS) as Array<[keyof DumpFilters, OptionField]>) {
		const entries = optionList(input[key], field);
		for (const entry of entries ?? []) {
			try {
				parseTablePattern(entry);
			} catch (error) {
				if (!isStackBackupError(error)) throw error;
				throw new StackBackupError(error.code, error.message, { hint: error.hint, details: aboutFields(field) });
			}
		}
		filters[key] = entries;
	}
	return filters;
}
