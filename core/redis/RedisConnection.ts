import { invalidInput } from '../errors/StackBackupError';

/** Field names follow n8n's built-in Redis credential. */
export interface RedisConnection {
	host: string;
	port: number;
	user?: string;
	password?: string;
	database?: number;
	ssl?: boolean;
	disableTlsVerification?: boolean;
}

/** redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
export function parseRedisUrl(url: string): RedisConnection {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw invalidInput('The Redis URL cannot be read', 'Use redis://host:6379 (put the password in REDISCLI_AUTH).');
	}
	if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
		throw invalidInput(`The URL scheme "${parsed.protocol}" is not redis:`, 'Use redis://host:6379 or rediss://host:6380.');
	}
	const db = parsed.pathname.replace(/^\//, '');
	return {
		host: parsed.hostname || '127.0.0.1',
		port: parsed.port ? Number(parsed.port) : 6379,
		user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
		password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
		database: db ? Number(db) : undefined,
		ssl: parsed.protocol === 'rediss:',
	};
}

export function describeRedis(connection: RedisConnection): string {
	return `${connection.host}:${connection.port}`;
}
