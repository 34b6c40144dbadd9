import { invalidInput } from '../errors/StackBackupError';

export type PgSslMode = 'disable' | 'allow' | 'require';

/** Field names follow n8n's built-in Postgres credential. */
export interface PgConnection {
	host?: string;
	port?: number;
	database: string;
	user?: string;
	password?: string;
	ssl?: PgSslMode;
	allowUnauthorizedCerts?: boolean;
}

/** postgres://user[:password]@host[:port]/database[?sslmode=...]; the database may be left out where a server is all that is needed. */
export function parsePostgresUrl(url: string, options: { databaseRequired?: boolean } = {}): PgConnection {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw invalidInput('The Postgres URL cannot be read', 'Use postgres://user@host:5432/database (put the password in PGPASSWORD).');
	}
	if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
		throw invalidInput(`The URL scheme "${parsed.protocol}" is not postgres:`, 'Use postgres://user@host:5432/database.');
	}
	const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
	if (!database && options.databaseRequired !== false)
		throw invalidInput('The Postgres URL names no database', 'Add it after the host: postgres://user@host:5432/n8n.');
	const sslmode = parsed.searchParams.get('sslmode');
	return {
		host: parsed.hostname || undefined,
		port: parsed.port ? Number(parsed.port) : 5432,
		database,
		user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
		password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
		ssl: sslmode === 'require' || sslmode === 'disable' || sslmode === 'allow' ? sslmode : undefined,
	};
}
