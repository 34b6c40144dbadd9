import { fieldsOf, type OptionField } from '../../core';

/**
 * How the command line names each input a core error can be about: its flag (or variable).
 * The core says which input (`details.field`); a command whose flag differs passes its own
 * names over these (Command.fieldFlags).
 */
export const OPTION_FLAGS: Record<OptionField, string> = {
	root: '--root',
	setName: '--set',
	setFolder: 'SETPATH',
	compression: '--compression',
	minFreeMb: '--min-free-mb',
	dockerHost: '--docker-host (or DOCKER_HOST)',
	postgresCredential: '--url and PGPASSWORD',
	postgresDatabase: '--database (or the database in --url)',
	postgresMethod: '--url (local pg_dump) or --container (in the server container)',
	postgresContainer: '--container',
	includeSchemas: '--schema',
	excludeSchemas: '--exclude-schema',
	includeTables: '--table',
	excludeTables: '--exclude-table',
	excludeTableData: '--exclude-table-data',
	leaveOutExecutions: '--n8n-skip-executions',
	allowShrink: '--allow-shrink',
	maxShrinkPercent: '--max-shrink-percent',
	targetDatabase: '--database (or the database in --url)',
	confirmReplace: '--replace NAME',
	skipOwnership: '--no-owner',
	jobs: '--jobs',
	workflowId: '--id',
	redisCredential: '--url and REDISCLI_AUTH',
	redisMethod: '--method (or --container)',
	redisContainer: '--redis-container',
	bgsaveTimeoutSeconds: '--bgsave-timeout',
	stallTimeoutSeconds: '--stall-timeout SECONDS',
	lockWaitTimeoutSeconds: '--lock-wait-timeout SECONDS',
	scratchRedis: '--redis-container, --redis-url or --redis-server',
	stopContainers: '--stop-container or --stop-label',
	skipUnreadable: '--skip-unreadable',
	optionalFiles: '--optional',
	restoreTargets: '--url or --container with --database, --redis-container, --volume or --dir',
	decryptionKeys: '--age-identity FILE or --age-passphrase-file FILE',
	signingKey: '--signing-key FILE',
	publicKey: '--public-key FILE (or STACK_BACKUP_PUBLIC_KEY)',
	trustUnsigned: '--trust-unsigned',
	s3Credential: 'the variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_ENDPOINT_URL (AWS_CA_BUNDLE for a private CA)',
	keepLast: '--keep-last',
	keepHourly: '--keep-hourly',
	keepDaily: '--keep-daily',
	keepWeekly: '--keep-weekly',
	keepMonthly: '--keep-monthly',
	keepYearly: '--keep-yearly',
	keepWithin: '--keep-within',
	timeZone: '--time-zone',
	incompleteGraceHours: '--grace-hours',
	maxAgeHours: 'the report age limit (n8n only)',
	trustPlanCommands: '--trust-plan-commands',
	pinReason: '--reason',
	maxDaysWithoutPassingDrill: 'the drill age limit (n8n only)',
	maxWalAgeMinutes: '--max-age-minutes (wal status)',
	runsBefore: '--before',
	pageSize: '--limit',
	n8nApiCredential: 'the n8n API credential (n8n only)',
};

export type FieldFlags = Partial<Record<OptionField, string>>;

/** `Option: --root` (or `Options: ...`) for an error's details, or '' when it names none. */
export function flagsSentence(details: Record<string, unknown>, overrides: FieldFlags = {}): string {
	const flags = fieldsOf(details).map((f) => overrides[f] ?? OPTION_FLAGS[f]);
	if (!flags.length) return '';
	return `${flags.length > 1 ? 'Options' : 'Option'}: ${flags.join(', ')}.`;
}
