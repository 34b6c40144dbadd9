export const ERROR_CODES = [
	'INVALID_INPUT',
	'BACKUP_LOCKED',
	'ROOT_NOT_WRITABLE',
	'DISK_FULL',
	'INSUFFICIENT_SPACE',
	'EMPTY_DUMP',
	'DUMP_SHRANK',
	'PG_AUTH_FAILED',
	'PG_UNREACHABLE',
	'PG_DATABASE_MISSING',
	'PG_PERMISSION_DENIED',
	'PG_DUMP_MISSING',
	'PG_DUMP_VERSION_MISMATCH',
	'PG_DUMP_FAILED',
	'PG_QUERY_FAILED',
	'PG_TIMEOUT',
	'DOCKER_UNREACHABLE',
	'DOCKER_PERMISSION_DENIED',
	'CONTAINER_NOT_FOUND',
	'CONTAINER_NOT_RUNNING',
	'DOCKER_EXEC_FAILED',
	'DOCKER_TIMEOUT',
	'MANIFEST_INVALID',
	'REDIS_AUTH_FAILED',
	'REDIS_UNREACHABLE',
	'REDIS_SYNC_REFUSED',
	'REDIS_BGSAVE_FAILED',
	'REDIS_TIMEOUT',
	'REDIS_FAILED',
	'RDB_INVALID',
	'VOLUME_NOT_FOUND',
	'IMAGE_NOT_FOUND',
	'CONTAINER_RESTART_FAILED',
	'SOURCE_NOT_FOUND',
	'PERMISSION_DENIED',
	'LIVE_SQLITE',
	'PRUNE_REFUSED',
	'SET_NOT_FOUND',
	'CHECKSUM_MISMATCH',
	'SET_SIGNATURE_INVALID',
	'ARTIFACT_NOT_FOUND',
	'CONFIRMATION_REQUIRED',
	'PG_RESTORE_FAILED',
	'UNSAFE_ARCHIVE_ENTRY',
	'REDIS_RESTORE_FAILED',
	'WORKFLOW_NOT_FOUND',
	'DRILL_FAILED',
	'NO_RECENT_BACKUP',
	'NO_PASSING_DRILL',
	'PG_REPLICATION_DENIED',
	'PITR_UNSUPPORTED',
	'PITR_OUT_OF_RANGE',
	'WAL_GAP',
	'WAL_STALLED',
	'WAL_SLOT_AT_RISK',
	'PLAN_NOT_FOUND',
	'N8N_NOT_READY',
	'PLAN_COMMAND_FAILED',
	'N8N_STILL_RUNNING',
	'N8N_TOO_OLD',
	'ENCRYPTION_KEY_REQUIRED',
	'DECRYPTION_FAILED',
	'S3_AUTH_FAILED',
	'S3_BUCKET_NOT_FOUND',
	'S3_UNREACHABLE',
	'S3_TIMEOUT',
	'S3_QUOTA_EXCEEDED',
	'S3_FAILED',
	'UNEXPECTED',
] as const;

/**
 * Machine-readable error codes: one closed list. Front ends (n8n nodes, CLI) switch on these,
 * and alert workflows can route on them. Every code is thrown somewhere and has a row in the
 * README's error table (test/core/errors/errorCodes.test.ts checks both).
 */
export type StackBackupErrorCode = (typeof ERROR_CODES)[number];

export interface StackBackupErrorOptions {
	hint?: string;
	cause?: unknown;
	details?: Record<string, unknown>;
}

/**
 * The one error type the core throws. `message` says what happened, `hint`
 * says what to do next. Callers must pass messages through `redactSecrets`
 * before building one: this class cannot know which strings are secret.
 */
export class StackBackupError extends Error {
	readonly code: StackBackupErrorCode;
	readonly hint: string | undefined;
	readonly details: Record<string, unknown>;

	constructor(code: StackBackupErrorCode, message: string, options: StackBackupErrorOptions = {}) {
		super(message);
		this.name = 'StackBackupError';
		this.code = code;
		this.hint = options.hint;
		this.details = options.details ?? {};
		// The cause is kept out of `cause` on purpose: driver errors can carry
		// connection strings, and n8n serialises `cause` into execution data.
	}

	toJSON() {
		return { code: this.code, message: this.message, hint: this.hint, details: this.details };
	}
}

export function isStackBackupError(error: unknown): error is StackBackupError {
	return error instanceof StackBackupError;
}

export function invalidInput(message: string, hint: string): StackBackupError {
	return new StackBackupError('INVALID_INPUT', message, { hint });
}
