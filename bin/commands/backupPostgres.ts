import { backupPostgres, backupReport, DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS, DEFAULT_MAX_SHRINK_PERCENT } from '../../core';
import { BACKUP_SET_USAGE, backupSetOptionSpec, readBackupSetOptions } from '../cli/backupSetOptions';
import { postgresOptionSpec, readPostgresTarget } from '../cli/postgresOptions';
import type { Command } from '../cli/Command';
import { oneOf, optionalString, stringList } from '../cli/optionValues';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup backup postgres --root DIR --set NAME
         (--url postgres://user@host:port/db | --container NAME --database DB [--user U])
         [--format plain|custom|physical] [--exclude-table-data PATTERN]... [--exclude-table PATTERN]...
         [--table PATTERN]... [--schema PATTERN]... [--exclude-schema PATTERN]... [--n8n-skip-executions]
         [--allow-shrink] [--max-shrink-percent ${DEFAULT_MAX_SHRINK_PERCENT}] [--pg-dump PATH]
         [--lock-wait-timeout ${DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS}]

Dumps one PostgreSQL database into a new backup set.
  --url         run the local pg_dump over TCP
  --container   run pg_dump inside that container through the Docker Engine API
  --lock-wait-timeout  seconds pg_dump waits for a table another session has locked
  --format physical    the whole cluster's base backup (pg_basebackup) for point-in-time
                       recovery with the WAL that \`wal collect\` gathers; filters do not apply
Each PATTERN may list several, separated by commas ("public.a, public.b"; commas inside
double quotes belong to the name).
The password comes from PGPASSWORD (or the URL); it is never passed on a command line.

${BACKUP_SET_USAGE}`;

export const backupPostgresCommand: Command = {
	path: ['backup', 'postgres'],
	summary: 'dump a PostgreSQL database into a backup set',
	usage: USAGE,
	options: {
		...backupSetOptionSpec,
		...postgresOptionSpec,
		format: { type: 'string' },
		'exclude-table-data': { type: 'string', multiple: true },
		'exclude-table': { type: 'string', multiple: true },
		table: { type: 'string', multiple: true },
		schema: { type: 'string', multiple: true },
		'exclude-schema': { type: 'string', multiple: true },
		'n8n-skip-executions': { type: 'boolean' },
		'allow-shrink': { type: 'boolean' },
		'max-shrink-percent': { type: 'string' },
		'lock-wait-timeout': { type: 'string' },
	},
	async run({ values, env, log }) {
		const target = readPostgresTarget(values, env, { databaseRequired: true });
		if (!target) throw new UsageError('give --url (local pg_dump) or --container (pg_dump in a container)');
		const result = await backupPostgres({
			...readBackupSetOptions(values, log, env),
			...target,
			format: oneOf(values, 'format', ['plain', 'custom', 'physical'] as const, 'plain'),
			includeSchemas: stringList(values, 'schema'),
			excludeSchemas: stringList(values, 'exclude-schema'),
			includeTables: stringList(values, 'table'),
			excludeTables: stringList(values, 'exclude-table'),
			excludeTableData: stringList(values, 'exclude-table-data'),
			n8nSkipExecutions: Boolean(values['n8n-skip-executions']),
			allowShrink: Boolean(values['allow-shrink']),
			maxShrinkPercent: optionalString(values, 'max-shrink-percent'),
			lockWaitTimeoutSeconds: optionalString(values, 'lock-wait-timeout'),
		});
		return backupReport(result);
	},
};
