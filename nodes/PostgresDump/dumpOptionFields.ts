import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { PostgresBackupOptions } from '../../core';
import { splitList } from '../shared/splitList';

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
	placeholder: 'Add Option',
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
		{
			displayName: 'Max Shrink (%)',
			name: 'maxShrinkPercent',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 50,
			description: 'Fail when the dump is more than this many percent smaller than the previous set of the same name',
		},
		{
			displayName: 'Min Free Space (MB)',
			name: 'minFreeMb',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 32,
			description: 'Do not start with less free space than this at the backup root',
		},
		{
			displayName: 'Pg_dump Path',
			name: 'pgDumpPath',
			type: 'string',
			default: 'pg_dump',
			description: 'Program to run with the "Local Pg_dump" method',
		},
	],
};

function list(value: unknown): string[] | undefined {
	const values = splitList(value);
	return values.length ? values : undefined;
}

export function readDumpOptions(options: IDataObject): Partial<PostgresBackupOptions> {
	return {
		includeSchemas: list(options.includeSchemas),
		excludeSchemas: list(options.excludeSchemas),
		includeTables: list(options.includeTables),
		excludeTables: list(options.excludeTables),
		excludeTableData: list(options.excludeTableData),
		allowShrink: Boolean(options.allowShrink),
		maxShrinkPercent: options.maxShrinkPercent === undefined ? undefined : Number(options.maxShrinkPercent),
		minFreeBytes: options.minFreeMb === undefined ? undefined : Number(options.minFreeMb) * 1024 * 1024,
		pgDumpPath: (options.pgDumpPath as string) || undefined,
	};
}
