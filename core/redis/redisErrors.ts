import { redactSecrets } from '../errors/redactSecrets';
import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields } from '../options/optionFields';

/** Turns what Redis, ioredis or the socket said into a coded error with a hint. */
export function redisError(error: unknown, where: string, password?: string): StackBackupError {
	if (error instanceof StackBackupError) return error;
	const e = error as { message?: string; code?: string };
	const text = `${e?.code ?? ''} ${e?.message ?? String(error)}`;
	const said = redactSecrets(e?.message || e?.code || String(error), [password]);
	if (/NOAUTH|WRONGPASS|invalid password|invalid username-password|Authentication required/i.test(text)) {
		return new StackBackupError('REDIS_AUTH_FAILED', `Redis at ${where} refused the login: ${said}`, {
			hint: 'Check the user and the password Redis is given.',
			details: aboutFields('redisCredential'),
		});
	}
	if (/Command timed out/i.test(text)) {
		return new StackBackupError('REDIS_TIMEOUT', `Redis at ${where} did not answer in time (${said})`, {
			hint: 'Redis took the connection but stopped answering: it is frozen or overloaded. Check it, then run again; a Redis that is only slow needs a longer stall timeout.',
			details: aboutFields('stallTimeoutSeconds'),
		});
	}
	if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|EAI_AGAIN|Connection is closed|connect ETIMEDOUT/i.test(text)) {
		return new StackBackupError('REDIS_UNREACHABLE', `Nothing answers at ${where} (${e?.code ?? said})`, {
			hint: 'Check the host and port (in Docker Compose the host is the service name, e.g. "redis") and that Redis is running.',
			details: aboutFields('redisCredential'),
		});
	}
	return new StackBackupError('REDIS_FAILED', `Redis at ${where}: ${said}`, { hint: 'Read the message above; it is what Redis answered.' });
}
