import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { lockWaitTimeoutOption, stallTimeoutOption } from '../shared/timeoutFields';
import { DEFAULT_MAX_SHRINK_PERCENT, DEFAULT_MIN_FREE_MB, type PostgresBackupOptions } from '../../core';

const patternList = (name: string, displayName: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: 'public.execution_*, audit.*',
	description: `${description} Comma-separated pg_dump patterns`,
});

export const postgresDumpOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Allow Shrink',
			name: 'allowShrink',
			type: 'boolean',
			default: false,
			description: 'Whether to accept a dump much smaller than the previous set (after a real clean-up)',
		},
		patternList('excludeSchemas', 'Exclude Schemas', 'Schemas to leave out.'),
		patternList('excludeTables', 'Exclude Tables', 'Tables to leave out entirely.'),
		patternList('excludeTableData', 'Exclude Table Data', 'Tables whose definition is kept but whose rows are left out.'),
		patternList('includeSchemas', 'Include Only Schemas', 'Only these schemas.'),
		patternList('includeTables', 'Include Only Tables', 'Only these tables.'),
		lockWaitTimeoutOption,
		{
			displayName: 'Max Shrink (%)',
			name: 'maxShrinkPercent',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: DEFAULT_MAX_SHRINK_PERCENT,
			description: 'Fail when the dump is more than this many percent smaller than the previous set of the same name',
		},
		{
			displayName: 'Min Free Space (MB)',
			name: 'minFreeMb',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_MIN_FREE_MB,
			description: 'Do not start with less free space than this at the backup root',
		},
		{
			displayName: 'Pg_dump Path',
			name: 'pgDumpPath',
			type: 'string',
			default: 'pg_dump',
			description: 'Program to run with the "Local Pg_dump" method',
		},
		stallTimeoutOption,
	],
};

/** What the user typed, as typed: the core splits, converts, checks and fills in defaults. */
export function readDumpOptions(options: IDataObject): Partial<PostgresBackupOptions> {
	const typed = (name: string) => options[name] as string | number | undefined;
	return {
		includeSchemas: typed('includeSchemas') as string | undefined,
		excludeSchemas: typed('excludeSchemas') as string | undefined,
		includeTables: typed('includeTables') as string | undefined,
		excludeTables: typed('excludeTables') as string | undefined,
		excludeTableData: typed('excludeTableData') as string | undefined,
		allowShrink: Boolean(options.allowShrink),
		maxShrinkPercent: typed('maxShrinkPercent'),
		minFreeMb: typed('minFreeMb'),
		pgDumpPath: (options.pgDumpPath as string) || undefined,
		lockWaitTimeoutSeconds: typed('lockWaitTimeoutSeconds'),
	};
}
