import type { PgConnection } from './PgConnection';

/**
 * Connection settings as libpq environment variables. pg_dump and psql get
 * them this way rather than as arguments: the password never reaches argv
 * (visible to every user in ps), and a database name is never read as a
 * connection string.
 */
export function libpqEnv(connection: PgConnection): Record<string, string | undefined> {
	return {
		PGHOST: connection.host,
		PGPORT: connection.port ? String(connection.port) : undefined,
		PGDATABASE: connection.database,
		PGUSER: connection.user,
		PGPASSWORD: connection.password,
		PGSSLMODE: connection.ssl,
		PGAPPNAME: 'n8n-stack-backup',
		PGCONNECT_TIMEOUT: '15',
	};
}
