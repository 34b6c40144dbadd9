import { pgClientError, pgProcessError, pgToolMissing, type PgErrorContext } from '../../../core/postgres/pgErrors';
import { StackBackupError } from '../../../core';

const ctx: PgErrorContext = { where: '127.0.0.1:5432', database: 'n8n', user: 'n8n', password: 'S3cret-pw', step: 'pg_dump' };

// What libpq, pg_dump and the pg driver say, read into the cause a user can act on.
describe('pgProcessError: pg_dump or psql ended badly', () => {
	it.each([
		[
			'pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "n8n"',
			'PG_AUTH_FAILED',
			'postgresCredential',
		],
		['pg_dump: error: FATAL:  database "n8n" does not exist', 'PG_DATABASE_MISSING', 'postgresDatabase'],
		['pg_dump: error: query failed: ERROR:  permission denied for table secrets', 'PG_PERMISSION_DENIED', undefined],
		['pg_dump: error: aborting because of server version mismatch', 'PG_DUMP_VERSION_MISMATCH', 'postgresMethod'],
		['pg_dump: error: connection to server at "db" failed: Connection refused', 'PG_UNREACHABLE', 'postgresCredential'],
		['pg_dump: error: could not translate host name "postgres" to address', 'PG_UNREACHABLE', 'postgresCredential'],
		['pg_dump: error: something nobody foresaw', 'PG_DUMP_FAILED', undefined],
	])('%s -> %s', (stderr, code, field) => {
		const error = pgProcessError(1, stderr, ctx);
		expect(error).toBeInstanceOf(StackBackupError);
		expect(error.code).toBe(code);
		expect(error.details.exitCode).toBe(1);
		expect(error.details.field).toBe(field);
		expect(error.hint).toEqual(expect.any(String));
	});

	it('the message holds the first lines pg_dump printed, with the password taken out', () => {
		const error = pgProcessError(1, 'line one S3cret-pw\nline two\n\nline three\nline four\nline five', ctx);
		expect(error.message).toBe('pg_dump failed on 127.0.0.1:5432 (exit code 1): line one *** | line two | line three | line four');
		expect(JSON.stringify(error)).not.toContain('S3cret-pw');
	});

	it('exit 126/127 "not found" is a missing program, with the hint for where it ran', () => {
		expect(pgProcessError(127, 'sh: pg_dump: not found', ctx)).toMatchObject({
			code: 'PG_DUMP_MISSING',
			details: { field: 'postgresMethod' },
		});
		expect(pgProcessError(127, '', { ...ctx, where: 'container "redis"' })).toMatchObject({
			code: 'PG_DUMP_MISSING',
			hint: expect.stringMatching(/Postgres server container itself/),
			details: { field: 'postgresContainer' },
		});
	});
});

describe('pgClientError: the pg driver failed', () => {
	it('reads the SQLSTATE where there is one', () => {
		expect(pgClientError({ code: '28P01', message: 'auth' }, ctx).code).toBe('PG_AUTH_FAILED');
		expect(pgClientError({ code: '3D000', message: 'nope' }, ctx).code).toBe('PG_DATABASE_MISSING');
		expect(pgClientError({ code: '42501', message: 'nope' }, ctx).code).toBe('PG_PERMISSION_DENIED');
		expect(pgClientError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, ctx).code).toBe('PG_UNREACHABLE');
	});

	it('anything else is PG_QUERY_FAILED, with the password redacted; a coded error passes through', () => {
		const error = pgClientError(new Error('syntax error near S3cret-pw'), ctx);
		expect(error).toMatchObject({ code: 'PG_QUERY_FAILED', message: 'pg_dump failed on 127.0.0.1:5432: syntax error near ***' });
		const coded = new StackBackupError('DISK_FULL', 'full');
		expect(pgClientError(coded, ctx)).toBe(coded);
	});
});

describe('pgToolMissing', () => {
	it('names the step and where it looked', () => {
		expect(pgToolMissing(ctx).message).toBe('pg_dump: the program was not found on 127.0.0.1:5432');
	});
});
