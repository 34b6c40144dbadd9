const REDACTED = '***';

// Patterns that carry a secret whatever the caller knows about: URL userinfo,
// libpq keyword strings and environment-style assignments.
const SECRET_PATTERNS: Array<[RegExp, string]> = [
	[/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@\s/]+@/gi, `$1${REDACTED}@`],
	[/\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|\S+)/gi, `$1=${REDACTED}`],
	[/\b(PGPASSWORD|REDISCLI_AUTH)=\S+/g, `$1=${REDACTED}`],
];

/**
 * Removes every known secret, and anything shaped like a secret, from text
 * that may reach a log, a manifest, an error message or n8n's execution data.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
	let out = text;
	for (const secret of secrets) {
		// Very short "secrets" would shred ordinary words; they are not worth hiding.
		if (secret && secret.length >= 3) out = out.split(secret).join(REDACTED);
	}
	for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
	return out;
}
