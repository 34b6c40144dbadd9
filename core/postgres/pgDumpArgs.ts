import type { DumpFilters } from './dumpScope';

export type PgDumpFormat = 'plain' | 'custom';

/**
 * pg_dump's arguments. Connection settings travel as libpq environment
 * variables (libpqEnv.ts), so nothing secret or injectable is in argv.
 */
export function buildPgDumpArgs(options: {
	format: PgDumpFormat;
	/** We compress outside, so pg_dump's own compression of custom format is turned off. */
	compressOutside: boolean;
	snapshot?: string;
	filters: DumpFilters;
	/** How long pg_dump waits for a table lock another session holds, before failing. */
	lockWaitTimeoutMs?: number;
}): string[] {
	const args = ['--no-password', options.format === 'custom' ? '--format=custom' : '--format=plain'];
	if (options.lockWaitTimeoutMs) args.push(`--lock-wait-timeout=${options.lockWaitTimeoutMs}`);
	if (options.format === 'custom' && options.compressOutside) args.push('--compress=0');
	if (options.snapshot) args.push(`--snapshot=${options.snapshot}`);
	const each = (flag: string, values: string[] | undefined) => {
		for (const v of values ?? []) if (v.trim()) args.push(`--${flag}=${v.trim()}`);
	};
	each('schema', options.filters.includeSchemas);
	each('exclude-schema', options.filters.excludeSchemas);
	each('table', options.filters.includeTables);
	each('exclude-table', options.filters.excludeTables);
	each('exclude-table-data', options.filters.excludeTableData);
	return args;
}
