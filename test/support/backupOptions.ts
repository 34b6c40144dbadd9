import type { PostgresBackupOptions } from '../../core';
import type { ScratchDatabase } from './scratchDatabase';
import { testEnv } from './testEnv';

/** Options for backing up `db` on the container Postgres through Docker exec (or locally). */
export function dumpOptions(
	root: string,
	db: ScratchDatabase,
	method: 'docker' | 'local',
	extra: Partial<PostgresBackupOptions> = {},
): PostgresBackupOptions {
	const env = testEnv();
	return {
		root,
		setName: 'n8n-db',
		method,
		connection: db.connection,
		docker: method === 'docker' ? { connection: { socketPath: env.dockerSocket }, container: env.containerPostgres.container } : undefined,
		format: 'plain',
		compression: 'gzip',
		...extra,
	};
}
