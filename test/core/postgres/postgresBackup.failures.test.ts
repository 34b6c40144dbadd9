import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupPostgres, StackBackupError, type PostgresBackupOptions } from '../../../core';
import { acquireSetLock } from '../../../core/storage/setLock';
import { dumpOptions } from '../../support/backupOptions';
import { withBusyboxContainer } from '../../support/dockerFixtures';
import { setFolderEntries } from '../../support/leftovers';
import { createScratchDatabase, useScratchDatabase, withClient } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

async function expectFailure(options: PostgresBackupOptions, code: string, message: RegExp): Promise<StackBackupError> {
	const error = await backupPostgres(options).then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(StackBackupError);
	const e = error as StackBackupError;
	expect({ code: e.code, message: e.message }).toEqual({ code, message: expect.stringMatching(message) });
	expect(e.hint).toBeTruthy();
	return e;
}

describe('Postgres dump failures users will hit', () => {
	const tmp = useTempDir();
	const scratch = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	const db = () => scratch.db();

	const local = (extra: Partial<PostgresBackupOptions> = {}) => dumpOptions(tmp.path(), db(), 'local', extra);
	const inContainer = (extra: Partial<PostgresBackupOptions> = {}) =>
		dumpOptions(tmp.path(), db(), 'docker', { connection: { ...db().connection, database: 'postgres' }, ...extra });

	afterEach(() => {
		// Whatever failed, the set folder holds no run folder, no temp file and no lock.
		expect(setFolderEntries(tmp.path(), 'n8n-db')).toEqual([]);
	});

	it('wrong password: PG_AUTH_FAILED, and the password is not in the message', async () => {
		const e = await expectFailure(
			local({ connection: { ...db().connection, password: 'not-the-password' } }),
			'PG_AUTH_FAILED',
			/password authentication failed/,
		);
		expect(JSON.stringify(e.toJSON())).not.toContain('not-the-password');
	});

	it('host unreachable: PG_UNREACHABLE', async () => {
		await expectFailure(local({ connection: { ...db().connection, port: 1 } }), 'PG_UNREACHABLE', /127\.0\.0\.1:1/);
	});

	it('database missing (local): PG_DATABASE_MISSING', async () => {
		await expectFailure(local({ connection: { ...db().connection, database: 'no_such_db' } }), 'PG_DATABASE_MISSING', /no_such_db/);
	});

	it('database missing (in the container): PG_DATABASE_MISSING', async () => {
		await expectFailure(inContainer({ connection: { ...db().connection, database: 'no_such_db' } }), 'PG_DATABASE_MISSING', /no_such_db/);
	});

	it('container missing: CONTAINER_NOT_FOUND', async () => {
		await expectFailure(
			inContainer({ docker: { connection: { socketPath: env.dockerSocket }, container: 'no-such-container' } }),
			'CONTAINER_NOT_FOUND',
			/no-such-container/,
		);
	});

	it('container not running: CONTAINER_NOT_RUNNING', async () => {
		await withBusyboxContainer('stack-test-stopped', false, () =>
			expectFailure(
				inContainer({ docker: { connection: { socketPath: env.dockerSocket }, container: 'stack-test-stopped' } }),
				'CONTAINER_NOT_RUNNING',
				/not running/,
			),
		);
	});

	it('Docker socket missing: DOCKER_UNREACHABLE naming the socket', async () => {
		await expectFailure(
			inContainer({ docker: { connection: { socketPath: '/nonexistent/docker.sock' }, container: 'postgres' } }),
			'DOCKER_UNREACHABLE',
			/\/nonexistent\/docker\.sock/,
		);
	});

	it('pg_dump missing locally: PG_DUMP_MISSING', async () => {
		await expectFailure(local({ pgDumpPath: '/nonexistent/bin/pg_dump' }), 'PG_DUMP_MISSING', /not found/);
	});

	it('pg_dump missing in the container: PG_DUMP_MISSING', async () => {
		await withBusyboxContainer('stack-test-no-pg', true, () =>
			expectFailure(
				inContainer({ docker: { connection: { socketPath: env.dockerSocket }, container: 'stack-test-no-pg' } }),
				'PG_DUMP_MISSING',
				/not found/,
			),
		);
	});

	it('a pg_dump that succeeds but writes nothing: EMPTY_DUMP, not success', async () => {
		await expectFailure(local({ pgDumpPath: '/bin/true' }), 'EMPTY_DUMP', /wrote nothing/);
	});

	it('a user that may not read every table: PG_PERMISSION_DENIED naming the table, nothing kept', async () => {
		await withClient(env.hostPostgres, db().name, async (c) => {
			await c.query(`DROP ROLE IF EXISTS stack_limited; CREATE ROLE stack_limited LOGIN PASSWORD 'limited-pw'`);
			await c.query(`GRANT SELECT ON workflow_entity TO stack_limited`);
		});
		await expectFailure(
			local({ connection: { ...db().connection, user: 'stack_limited', password: 'limited-pw' } }),
			'PG_PERMISSION_DENIED',
			/permission denied for (table|schema)/,
		);
	});

	it('backup root not writable (a file is in the way): ROOT_NOT_WRITABLE', async () => {
		const file = join(tmp.path(), 'not-a-folder');
		writeFileSync(file, 'x');
		await expectFailure(local({ root: file }), 'ROOT_NOT_WRITABLE', /not-a-folder/);
	});

	it('backup root on a read-only file system: ROOT_NOT_WRITABLE', async () => {
		const mount = join(tmp.path(), 'ro');
		mkdirSync(mount);
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mount]);
		try {
			const e = await expectFailure(local({ root: mount }), 'ROOT_NOT_WRITABLE', /EROFS/);
			expect(e.hint).toMatch(/read-only/);
		} finally {
			execFileSync('umount', [mount]);
		}
	});

	it('disk full during the dump: DISK_FULL, nothing left behind', async () => {
		const mount = join(tmp.path(), 'small');
		mkdirSync(mount);
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
		try {
			await expectFailure(local({ root: mount, compression: 'none', minFreeMb: 0 }), 'DISK_FULL', /full/);
			expect(setFolderEntries(mount, 'n8n-db')).toEqual([]);
		} finally {
			execFileSync('umount', [mount]);
		}
	});

	it('not enough free space before starting: INSUFFICIENT_SPACE', async () => {
		await expectFailure(local({ minFreeMb: 2 ** 40 }), 'INSUFFICIENT_SPACE', /free/);
	});

	it('set locked by another run: BACKUP_LOCKED, and the other run keeps its lock', async () => {
		mkdirSync(join(tmp.path(), 'n8n-db'), { mode: 0o700 });
		const held = await acquireSetLock(join(tmp.path(), 'n8n-db'), { runId: 'exec-7' });
		try {
			await expectFailure(local(), 'BACKUP_LOCKED', /exec-7/);
			expect(setFolderEntries(tmp.path(), 'n8n-db')).toEqual(['.lock']);
		} finally {
			await held.release();
		}
	});

	it('a dump much smaller than the previous set: DUMP_SHRANK unless allowed', async () => {
		const big = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		try {
			const first = await backupPostgres(dumpOptions(tmp.path(), big, 'local', { setName: 'shrink' }));
			await withClient(env.hostPostgres, big.name, (c) => c.query('DELETE FROM execution_entity'));
			const error = await backupPostgres(dumpOptions(tmp.path(), big, 'local', { setName: 'shrink' })).catch((e) => e);
			expect(error).toMatchObject({ code: 'DUMP_SHRANK' });
			expect(error.hint).toMatch(/allowing the shrink, or raise the limit \(now 50%\)/);
			expect(error.details).toMatchObject({ field: 'allowShrink', fields: ['allowShrink', 'maxShrinkPercent'] });
			expect(setFolderEntries(tmp.path(), 'shrink')).toEqual([first.path.split('/').pop()]);
			const allowed = await backupPostgres(dumpOptions(tmp.path(), big, 'local', { setName: 'shrink', allowShrink: true }));
			expect(allowed.artifacts[0].rawSize).toBeLessThan(first.artifacts[0].rawSize / 2);
		} finally {
			await big.drop();
		}
	});
});
