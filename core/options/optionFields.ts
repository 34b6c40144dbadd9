/**
 * The inputs a user can get wrong, by one name each. Core errors say which one in
 * `details.field` (and `details.fields` where a hint offers several); each front end words it
 * its own way: the n8n nodes name their field, the CLI its flag. Both keep a table typed
 * Record<OptionField, string>, so a new field cannot arrive without its words in both.
 */
export const OPTION_FIELDS = [
	'root',
	'setName',
	'setFolder',
	'compression',
	'minFreeMb',
	'dockerHost',
	'postgresCredential',
	'postgresDatabase',
	'postgresMethod',
	'postgresContainer',
	'includeSchemas',
	'excludeSchemas',
	'includeTables',
	'excludeTables',
	'excludeTableData',
	'leaveOutExecutions',
	'allowShrink',
	'maxShrinkPercent',
	'targetDatabase',
	'confirmReplace',
	'skipOwnership',
	'jobs',
	'workflowId',
	'redisCredential',
	'redisMethod',
	'redisContainer',
	'bgsaveTimeoutSeconds',
	'stallTimeoutSeconds',
	'lockWaitTimeoutSeconds',
	'scratchRedis',
	'stopContainers',
	'skipUnreadable',
	'optionalFiles',
	'restoreTargets',
	'decryptionKeys',
	'signingKey',
	'publicKey',
	'trustUnsigned',
	's3Credential',
	'keepLast',
	'keepHourly',
	'keepDaily',
	'keepWeekly',
	'keepMonthly',
	'keepYearly',
	'keepWithin',
	'timeZone',
	'incompleteGraceHours',
	'maxAgeHours',
	'trustPlanCommands',
	'pinReason',
	'maxDaysWithoutPassingDrill',
	'maxWalAgeMinutes',
	'runsBefore',
	'pageSize',
	'n8nApiCredential',
] as const;

export type OptionField = (typeof OPTION_FIELDS)[number];

/** `details` naming the inputs an error is about: the first is the one to change. */
export function aboutFields(...fields: [OptionField, ...OptionField[]]): { field: OptionField; fields?: OptionField[] } {
	return fields.length > 1 ? { field: fields[0], fields } : { field: fields[0] };
}

/** The inputs an error's details name, the one to change first. */
export function fieldsOf(details: Record<string, unknown>): OptionField[] {
	const named = Array.isArray(details.fields) ? details.fields : details.field ? [details.field] : [];
	return named.filter((f): f is OptionField => (OPTION_FIELDS as readonly unknown[]).includes(f));
}
