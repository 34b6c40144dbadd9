import { executionHistoryToLeaveOut, exportSnapshot } from '../../../core/postgres/postgresBackup';
import { openPgSession } from '../../../core/postgres/pgSession';
import type { QuerySession } from '../../../core/postgres/QuerySession';
import { useScratchDatabase } from '../../support/scratchDatabase';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

// backupPostgres reads as a list of steps; each one can be driven alone against a real server.
describe('the steps of a Postgres backup, one at a time', () => {
	const n8n = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	const plain = useScratchDatabase(env.hostPostgres);

	async function withSession<T>(connection: Parameters<typeof openPgSession>[0], body: (s: QuerySession) => Promise<T>): Promise<T> {
		const session = await openPgSession(connection, { where: 'test', database: connection.database, step: 'test' });
		try {
			return await body(session);
		} finally {
			await session.close();
		}
	}

	it('exportSnapshot: a snapshot id pg_dump can import, the server version, the tables, and n8n found', async () => {
		const catalog = await withSession(n8n.db().connection, exportSnapshot);
		expect(catalog.snapshot).toMatch(/^[0-9A-F]+-[0-9A-F]+-\d+$/);
		expect(catalog.serverVersion).toMatch(/^\d+/);
		expect(catalog.tables).toEqual(expect.arrayContaining([{ schema: 'public', name: 'workflow_entity' }]));
		expect(catalog.n8n).toBeTruthy();
	});

	it("executionHistoryToLeaveOut: n8n's execution tables and those that reference them, only when asked", async () => {
		await withSession(n8n.db().connection, async (session) => {
			const catalog = await exportSnapshot(session);
			const warnings: string[] = [];
			expect(await executionHistoryToLeaveOut(session, catalog, { n8nSkipExecutions: false }, warnings)).toEqual([]);
			const leftOut = (await executionHistoryToLeaveOut(session, catalog, { n8nSkipExecutions: true }, warnings)).map((t) => t.name);
			expect(leftOut).toEqual(expect.arrayContaining(['execution_entity', 'execution_data', 'execution_metadata']));
			expect(leftOut).not.toContain('workflow_entity');
			expect(warnings).toEqual([]);
		});
	});

	it('executionHistoryToLeaveOut on a database that is not n8n: nothing left out, and a warning says so', async () => {
		await withSession(plain.db().connection, async (session) => {
			const catalog = await exportSnapshot(session);
			const warnings: string[] = [];
			expect(await executionHistoryToLeaveOut(session, catalog, { n8nSkipExecutions: true }, warnings)).toEqual([]);
			expect(warnings).toEqual([expect.stringMatching(/not an n8n database/)]);
		});
	});
});
