import type { PgConnection } from './PgConnection';
import { openPgSession } from './pgSession';

/** Connects and reads the server version: what a credential test needs. */
export async function checkPostgresConnection(connection: PgConnection): Promise<string> {
	const session = await openPgSession(connection, {
		where: `${connection.host ?? 'localhost'}:${connection.port ?? 5432}`,
		database: connection.database,
		user: connection.user,
		password: connection.password,
		step: 'Connecting',
	});
	try {
		const version = await session.queryJson<string>(`SELECT to_json(current_setting('server_version'))::text`);
		return `Connected to PostgreSQL ${version}`;
	} finally {
		await session.close();
	}
}
