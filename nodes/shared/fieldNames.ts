import { fieldsOf, type OptionField } from '../../core';

/**
 * How the n8n panels name each input a core error can be about. The core says which input
 * (`details.field`); these are the words a user sees in the editor. A node whose field has
 * another label passes its own names over these (runForEachItem's `fieldNames`).
 */
export const FIELD_NAMES: Record<OptionField, string> = {
	root: 'Backup Root Folder',
	setName: 'Set Name',
	setFolder: 'Set Folder',
	compression: 'Compression',
	minFreeMb: 'Min Free Space (MB)',
	dockerHost: 'the Stack Backup Docker Engine API credential',
	postgresCredential: 'the Stack Backup Postgres API credential',
	postgresDatabase: 'Database, in the Stack Backup Postgres API credential',
	postgresMethod: 'Method',
	postgresContainer: 'Container Name',
	includeSchemas: 'Include Only Schemas',
	excludeSchemas: 'Exclude Schemas',
	includeTables: 'Include Only Tables',
	excludeTables: 'Exclude Tables',
	excludeTableData: 'Exclude Table Data',
	leaveOutExecutions: 'Leave Out Execution History',
	allowShrink: 'Allow Shrink',
	maxShrinkPercent: 'Max Shrink (%)',
	targetDatabase: 'Target Database',
	confirmReplace: 'Replace Confirmation',
	skipOwnership: 'Skip Ownership',
	jobs: 'Parallel Jobs',
	workflowId: 'Workflow ID',
	redisCredential: 'the Stack Backup Redis API credential',
	redisMethod: 'Method',
	redisContainer: 'Redis Container Name',
	bgsaveTimeoutSeconds: 'Snapshot Timeout (Seconds)',
	stallTimeoutSeconds: 'Stall Timeout (Seconds)',
	lockWaitTimeoutSeconds: 'Lock Wait Timeout (Seconds)',
	scratchRedis: 'Scratch Redis',
	stopContainers: 'Stop Containers',
	skipUnreadable: 'Skip Unreadable Files',
	optionalFiles: 'Optional Files',
	restoreTargets: 'Restore Into',
	decryptionKeys: 'Decrypt (Age), with the Stack Backup Encryption credential',
	signingKey: 'Sign Sets, with the Stack Backup Signing Key credential (its private key)',
	publicKey: 'Check Signatures, with the Stack Backup Signing Key credential (its public key)',
	trustUnsigned: 'Trust Unsigned Sets',
	s3Credential: 'Credential for S3 (Stack Backup S3 API)',
	keepLast: 'Keep Last',
	keepHourly: 'Keep Hourly',
	keepDaily: 'Keep Daily',
	keepWeekly: 'Keep Weekly',
	keepMonthly: 'Keep Monthly',
	keepYearly: 'Keep Yearly',
	keepWithin: 'Keep Within',
	timeZone: 'Time Zone',
	incompleteGraceHours: 'Incomplete Set Grace (Hours)',
	maxAgeHours: 'Fail When Older Than (Hours)',
	trustPlanCommands: 'the recovery command line (CLI only)',
	pinReason: 'Pin Reason',
	maxDaysWithoutPassingDrill: 'Fail When No Passing Drill In (Days)',
	maxWalAgeMinutes: 'Fail When WAL Older Than (Minutes)',
	runsBefore: 'Runs Before',
	pageSize: 'Runs Per Page',
	n8nApiCredential: 'Credential for n8n API',
};

export type FieldNames = Partial<Record<OptionField, string>>;

/** `Field: "Backup Root Folder"` (or `Fields: ...`) for an error's details, or '' when it names none. */
export function fieldsSentence(details: Record<string, unknown>, overrides: FieldNames = {}): string {
	const names = fieldsOf(details)
		.map((f) => overrides[f] ?? FIELD_NAMES[f])
		.map((n) => (n.startsWith('the ') ? n : `"${n}"`));
	if (!names.length) return '';
	return `${names.length > 1 ? 'Fields' : 'Field'}: ${names.join(', ')}.`;
}
