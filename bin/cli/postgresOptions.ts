import { parsePostgresUrl, type PgConnection } from '../../core';
import type { OptionSpec, ParsedValues } from './Command';
import { optionalString } from './optionValues';
import { readDockerHost } from './backupSetOptions';
import { UsageError } from './UsageError';

export const postgresOptionSpec: OptionSpec = {
	url: { type: 'string' },
	container: { type: 'string' },
	database: { type: 'string' },
	user: { type: 'string' },
	'pg-dump': { type: 'string' },
};

export interface PostgresTarget {
	method: 'docker' | 'local';
	connection: PgConnection;
	docker?: { connection: ReturnType<typeof readDockerHost>; container: string };
	pgDumpPath?: string;
}

/**
 * --url (local client programs over TCP) or --container (the server's own
 * programs through Docker exec); the password only from PGPASSWORD or the URL.
 */
export function readPostgresTarget(
	values: ParsedValues,
	env: NodeJS.ProcessEnv,
	options: { databaseRequired: boolean },
): PostgresTarget | undefined {
	const url = optionalString(values, 'url');
	const container = optionalString(values, 'container');
	if (!url && !container) return undefined;
	const fromUrl: Partial<PgConnection> = url ? parsePostgresUrl(url, { databaseRequired: options.databaseRequired }) : {};
	const connection: PgConnection = {
		...fromUrl,
		database: optionalString(values, 'database') ?? fromUrl.database ?? '',
		user: optionalString(values, 'user') ?? fromUrl.user,
		password: fromUrl.password ?? (env.PGPASSWORD || undefined),
	};
	if (!connection.database && options.databaseRequired) throw new UsageError('--database is required with --container');
	return {
		method: container ? 'docker' : 'local',
		connection,
		docker: container ? { connection: readDockerHost(values, env), container } : undefined,
		pgDumpPath: optionalString(values, 'pg-dump'),
	};
}
