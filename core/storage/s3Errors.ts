import { StackBackupError } from '../errors/StackBackupError';

interface SdkError {
	name?: string;
	code?: string;
	message?: string;
	Code?: string;
	$metadata?: { httpStatusCode?: number };
	cause?: unknown;
}

const AUTH = new Set([
	'InvalidAccessKeyId',
	'SignatureDoesNotMatch',
	'AccessDenied',
	'InvalidToken',
	'ExpiredToken',
	'AuthorizationHeaderMalformed',
]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED']);
const TLS = /CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i;

function codeOf(error: SdkError): string {
	return error.Code ?? error.name ?? error.code ?? '';
}

// The SDK wraps network errors; the errno is on the error, on its cause, or (when the wrapped
// error came from another realm) only in the wrapper's message.
function errnoOf(error: SdkError): string {
	const cause = error.cause as SdkError | undefined;
	return error.code ?? cause?.code ?? /\b(E[A-Z]{3,}|ERR_TLS_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)\b/.exec(error.message ?? '')?.[1] ?? '';
}

/**
 * Turns an S3 client error into a coded error that says what to fix. `where`
 * is an s3:// address or the endpoint; no key, secret or signature is ever
 * quoted (the SDK's messages hold none, and we add none).
 */
export function mapS3Error(error: unknown, where: string, doing: string): unknown {
	if (error instanceof StackBackupError) return error;
	const e = (error ?? {}) as SdkError;
	const code = codeOf(e);
	const errno = errnoOf(e);
	const status = e.$metadata?.httpStatusCode;
	const said = e.message ? `: ${e.message}` : '';
	const details = { where, s3Code: errno || code || undefined, httpStatus: status, field: 's3Credential' };
	// Before the 403 check: servers answer a full quota with 403 QuotaExceeded.
	if (code === 'QuotaExceeded' || code === 'EntityTooLarge' || code === 'InsufficientCapacity') {
		return new StackBackupError('S3_QUOTA_EXCEEDED', `The bucket of ${where} is full: its quota was reached while ${doing} (${code})`, {
			hint: 'Prune old sets in the bucket, or raise its quota. Nothing of this run was kept.',
			details,
		});
	}
	if (AUTH.has(code) || status === 403) {
		return new StackBackupError('S3_AUTH_FAILED', `The S3 server refused the access key while ${doing} at ${where} (${code || status})`, {
			hint: 'Check the access key id and secret, and that this key may read and write the bucket.',
			details,
		});
	}
	if (code === 'NoSuchBucket') {
		return new StackBackupError('S3_BUCKET_NOT_FOUND', `The bucket of ${where} does not exist (${doing})`, {
			hint: 'Create the bucket first (we never create one), or correct its name in the root, s3://bucket/prefix.',
			details: { ...details, field: 'root' },
		});
	}
	if (TIMEOUT.has(code) || TIMEOUT.has(errno) || /timed? ?out/i.test(e.message ?? '')) {
		return new StackBackupError('S3_TIMEOUT', `The S3 server at ${where} stopped answering while ${doing}`, {
			hint: 'The server (or the network to it) is overloaded or frozen. Nothing of this run was kept; run again once it answers.',
			details,
		});
	}
	if (TLS.test(errno) || TLS.test(e.message ?? '')) {
		return new StackBackupError('S3_UNREACHABLE', `The S3 server at ${where} has a certificate that is not trusted${said}`, {
			hint: "Give the CA certificate that signed the server's certificate. Certificate checks are never turned off.",
			details,
		});
	}
	if (UNREACHABLE.has(errno) || UNREACHABLE.has(code) || code === 'UnknownEndpoint' || e.name === 'AbortError') {
		return new StackBackupError('S3_UNREACHABLE', `Cannot reach the S3 server at ${where} (${errno || code})`, {
			hint: 'Check the endpoint URL and port, and that the server runs and this machine may reach it.',
			details,
		});
	}
	return new StackBackupError('S3_FAILED', `The S3 server failed while ${doing} at ${where} (${code || status || 'no code'})${said}`, {
		hint: "Run again; if it persists, check the server's logs.",
		details,
	});
}

/** The object (or the key asked for) is not there: a 404 by any of the names servers give it. */
export function isObjectMissing(error: unknown): boolean {
	const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
	return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
