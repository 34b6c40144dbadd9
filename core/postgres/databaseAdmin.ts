import { StackBackupError } from '../errors/StackBackupError';
import { databaseExistsSql, quoteIdent, SERVER_VERSION_NUM_SQL, terminateSessionsSql } from './catalogQueries';
import type { QuerySession } from './QuerySession';
import { aboutFields } from '../options/optionFields';

/** The database to connect to while creating or dropping `target` (one cannot drop the database one is in). */
export function maintenanceDatabaseFor(target: string): string {
	return target === 'postgres' ? 'template1' : 'postgres';
}

export async function databaseExists(session: QuerySession, database: string): Promise<boolean> {
	return session.queryJson<boolean>(databaseExistsSql(database));
}

// Statements whose failure must surface before the next step: a query after them proves they ran.
async function run(session: QuerySession, sql: string): Promise<void> {
	await session.exec(sql);
	await session.queryJson(SERVER_VERSION_NUM_SQL);
}

export async function createDatabase(session: QuerySession, database: string, where: string): Promise<void> {
	try {
		await run(session, `CREATE DATABASE ${quoteIdent(database)}`);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new StackBackupError('PG_RESTORE_FAILED', `Could not create database "${database}" on ${where}: ${message}`, {
			hint: "The user needs the CREATEDB privilege (n8n's POSTGRES_USER in Docker Compose has it), or create the database yourself and restore over it, confirming the replace with its name.",
			details: aboutFields('confirmReplace'),
		});
	}
}

/** Drops a database even with sessions open: WITH (FORCE) on PostgreSQL 13+, terminating them first before. */
export async function dropDatabase(session: QuerySession, database: string): Promise<void> {
	const version = await session.queryJson<number>(SERVER_VERSION_NUM_SQL);
	if (version >= 130000) return run(session, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
	await session.queryJson(terminateSessionsSql(database));
	await run(session, `DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
}

/** Renames a database nobody is connected to (the restore's loading database, once loaded). */
export async function renameDatabase(session: QuerySession, from: string, to: string): Promise<void> {
	await run(session, `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
}
