import { createHash } from 'node:crypto';
import { posix } from 'node:path';

export interface N8nDataFacts {
	/** A truncated sha256 of the encryption key: proves which key belongs to the set, never reveals it. */
	encryptionKeyFingerprint: string | null;
	configPath: string | null;
	sqlite: boolean;
}

/** n8n's user folder holds `config` (or `.n8n/config` one level up) and `database.sqlite`. */
export function isN8nConfigPath(path: string): boolean {
	return path === 'config' || path === '.n8n/config';
}

export function isSqliteSidecar(path: string): boolean {
	return /(^|\/)database\.sqlite(-wal|-shm|-journal)?$/.test(path);
}

export function encryptionKeyFingerprint(key: string): string {
	return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The key from n8n's config file ({"encryptionKey": "..."}), or null when absent or unreadable. */
export function encryptionKeyFromConfig(text: string | undefined): string | null {
	if (!text) return null;
	try {
		const key = (JSON.parse(text) as { encryptionKey?: unknown }).encryptionKey;
		return typeof key === 'string' && key ? key : null;
	} catch {
		return null;
	}
}

/**
 * What the manifest says about n8n data in an archive, and the loud warning
 * when credentials could not be decrypted after a restore.
 */
export function n8nDataFacts(
	captured: Record<string, string>,
	paths: readonly string[],
): { facts: N8nDataFacts | null; warning: string | null } {
	const configPath = Object.keys(captured).find(isN8nConfigPath) ?? null;
	const sqlite = paths.some((p) => posix.basename(p) === 'database.sqlite');
	if (!configPath && !sqlite) return { facts: null, warning: null };
	const key = encryptionKeyFromConfig(configPath ? captured[configPath] : undefined);
	const facts = { encryptionKeyFingerprint: key ? encryptionKeyFingerprint(key) : null, configPath, sqlite };
	const warning = key
		? null
		: 'This is an n8n data folder, but it holds no encryption key (no "encryptionKey" in its config): without N8N_ENCRYPTION_KEY, the credentials in this backup cannot be decrypted after a restore. Store the key apart from the backups (e.g. a files backup of your .env) and check that you have it.';
	return { facts, warning };
}
