import { redactSecrets } from '../errors/redactSecrets';
import { StackBackupError, type StackBackupErrorCode } from '../errors/StackBackupError';
import { aboutFields, type OptionField } from '../options/optionFields';

export interface PgErrorContext {
	/** "127.0.0.1:5432" or 'container "postgres"'. */
	where: string;
	database: string;
	user?: string;
	password?: string;
	/** Which program or step failed, for the message. */
	step: string;
}

interface Classification {
	code: StackBackupErrorCode;
	hint: string;
	/** The input that fixes it. */
	field?: OptionField;
}

/**
 * Reads what libpq, pg_dump and the pg driver say (messages, SQLSTATEs, errno
 * codes) and picks the cause a user can act on.
 */
function classify(text: string, sqlState: string | undefined, ctx: PgErrorContext): Classification | undefined {
	if (
		sqlState === '28P01' ||
		sqlState === '28000' ||
		/password authentication failed|no password supplied|authentication failed/i.test(text)
	) {
		return {
			code: 'PG_AUTH_FAILED',
			hint: `Check the user${ctx.user ? ` "${ctx.user}"` : ''} and the password Postgres is given.`,
			field: 'postgresCredential',
		};
	}
	if (sqlState === '3D000' || /database ".*" does not exist/i.test(text)) {
		return {
			code: 'PG_DATABASE_MISSING',
			hint: `There is no database "${ctx.database}" on ${ctx.where}. Check the database name (n8n's is usually "n8n", see DB_POSTGRESDB_DATABASE).`,
			field: 'postgresDatabase',
		};
	}
	if (sqlState === '42501' || /permission denied for (table|schema|sequence|relation|database)/i.test(text)) {
		return {
			code: 'PG_PERMISSION_DENIED',
			hint: `The user${ctx.user ? ` "${ctx.user}"` : ''} may not read everything it must dump. Use the database owner (n8n's own DB user) or GRANT SELECT on the tables, or leave the table out with a filter.`,
		};
	}
	// pg_dump's lock wait timeout cancels its LOCK TABLE with a statement timeout.
	if (sqlState === '55P03' || /could not obtain lock on relation|due to lock timeout|statement timeout[\s\S]*LOCK TABLE/i.test(text)) {
		return {
			code: 'PG_TIMEOUT',
			hint: 'Another session holds a lock on a table the dump must read (an ALTER TABLE, a VACUUM FULL, a migration): pg_dump waited its lock wait timeout and gave up. Find the session in pg_stat_activity, or run again later.',
			field: 'lockWaitTimeoutSeconds',
		};
	}
	if (/Query read timeout|connection timeout/i.test(text)) {
		return {
			code: 'PG_TIMEOUT',
			hint: `Postgres at ${ctx.where} took the connection but did not answer in time: it is frozen or overloaded. Check the server, then run again; a server that is only slow needs a longer stall timeout.`,
			field: 'stallTimeoutSeconds',
		};
	}
	if (/server version mismatch|aborting because of server version mismatch/i.test(text)) {
		return {
			code: 'PG_DUMP_VERSION_MISMATCH',
			hint: "The local pg_dump is older than the server. Run pg_dump in the server's own container (the Docker method) or install a pg_dump of the server's major version.",
			field: 'postgresMethod',
		};
	}
	if (
		/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|EAI_AGAIN|could not connect|connection refused|could not translate host name|timeout expired|Connection terminated|No such file or directory\s+Is the server running/i.test(
			text,
		)
	) {
		return {
			code: 'PG_UNREACHABLE',
			hint: `Nothing answers at ${ctx.where}. Check the host and port (in Docker Compose the host is the service name, e.g. "postgres") and that Postgres is running.`,
			field: 'postgresCredential',
		};
	}
	return undefined;
}

function firstLines(text: string): string {
	return text
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean)
		.slice(0, 4)
		.join(' | ');
}

/** pg_dump/psql ended badly: build the error from its exit code and stderr. */
export function pgProcessError(exitCode: number, stderr: string, ctx: PgErrorContext): StackBackupError {
	const said = redactSecrets(firstLines(stderr), [ctx.password]);
	if ((exitCode === 126 || exitCode === 127) && /not found|no such file|executable/i.test(stderr || 'not found')) {
		return pgToolMissing(ctx);
	}
	const known = classify(stderr, undefined, ctx);
	return new StackBackupError(
		known?.code ?? 'PG_DUMP_FAILED',
		`${ctx.step} failed on ${ctx.where} (exit code ${exitCode})${said ? `: ${said}` : ''}`,
		{
			hint: known?.hint ?? `Read the message above: ${/^[a-z_]+$/.test(ctx.step) ? ctx.step : 'Postgres'} explains what it could not do.`,
			details: { exitCode, ...(known?.field ? aboutFields(known.field) : {}) },
		},
	);
}

export function pgToolMissing(ctx: PgErrorContext): StackBackupError {
	const inContainer = ctx.where.startsWith('container');
	return new StackBackupError('PG_DUMP_MISSING', `${ctx.step}: the program was not found on ${ctx.where}`, {
		hint: inContainer
			? 'The container has no PostgreSQL client tools. Name the Postgres server container itself.'
			: "Install the PostgreSQL client (Debian: apt-get install postgresql-client), or run the programs in the server's container (the Docker method).",
		details: aboutFields(inContainer ? 'postgresContainer' : 'postgresMethod'),
	});
}

/** An error from the pg driver (connect or query). */
export function pgClientError(error: unknown, ctx: PgErrorContext): StackBackupError {
	if (error instanceof StackBackupError) return error;
	const e = error as { message?: string; code?: string };
	const text = `${e?.code ?? ''} ${e?.message ?? String(error)}`;
	const known = classify(text, e?.code, ctx);
	const said = redactSecrets(e?.message || e?.code || String(error), [ctx.password]);
	return new StackBackupError(known?.code ?? 'PG_QUERY_FAILED', `${ctx.step} failed on ${ctx.where}: ${said}`, {
		hint: known?.hint ?? 'Check that the Postgres user may read every table of the database.',
		details: known?.field ? aboutFields(known.field) : {},
	});
}
