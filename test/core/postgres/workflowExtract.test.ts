import { backupPostgres, extractWorkflow, listWorkflows } from '../../../core';
import { decodeCopyField, parseCopyHeader } from '../../../core/postgres/copyText';
import { dumpOptions } from '../../support/backupOptions';
import { createScratchDatabase, withClient, type ScratchDatabase } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const now = new Date('2026-11-22T10:00:00Z');

describe('selective workflow restore: list from the manifest, extract one workflow from the dump', () => {
	const tmp = useTempDir();

	describe.each([
		{ method: 'local' as const, format: 'plain' as const, server: env.hostPostgres },
		{ method: 'local' as const, format: 'custom' as const, server: env.hostPostgres },
		{ method: 'docker' as const, format: 'custom' as const, server: env.containerPostgres },
	])('$method, $format', ({ method, format, server }) => {
		let source: ScratchDatabase;
		beforeAll(async () => {
			source = await createScratchDatabase(server, { n8nFixture: true });
			await withClient(server, source.name, (c) =>
				c.query(
					`UPDATE workflow_entity SET settings = '{"executionOrder":"v1","errorWorkflow":"errWf","binaryMode":"separate"}' WHERE id = 'wf2BBBBBBBBBBBBB'`,
				),
			);
		});
		afterAll(() => source.drop());

		it('lists every workflow without restoring anything, and extracts one in the shape n8n creates workflows from', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, method, { format, compression: 'zstd' }));
			const listed = await listWorkflows(set.path);
			expect(listed).toHaveLength(42);
			expect(listed.find((w) => w.id === 'wf2BBBBBBBBBBBBB')).toMatchObject({
				name: 'Webhook → Slack «ünïcode»',
				active: false,
				set: 'n8n-db',
				path: set.path,
			});

			const extracted = await extractWorkflow({
				setPath: set.path,
				workflowId: 'wf2BBBBBBBBBBBBB',
				now,
				pgRestore: {
					method,
					connection: source.connection,
					docker:
						method === 'docker' ? { connection: { socketPath: env.dockerSocket }, container: env.containerPostgres.container } : undefined,
				},
			});
			const row = await withClient(
				server,
				source.name,
				async (c) => (await c.query(`SELECT nodes, connections FROM workflow_entity WHERE id = 'wf2BBBBBBBBBBBBB'`)).rows[0],
			);
			expect(extracted.workflow).toEqual({
				name: 'Webhook → Slack «ünïcode» (restored 2026-11-22)',
				nodes: row.nodes,
				connections: row.connections,
				settings: { executionOrder: 'v1', errorWorkflow: 'errWf' },
			});
			expect((extracted.workflow.nodes[0] as { parameters: { path: string } }).parameters.path).toBe('x\ty');
			expect(extracted).toMatchObject({
				checksumMatches: true,
				droppedSettings: ['binaryMode'],
				source: { id: 'wf2BBBBBBBBBBBBB', set: 'n8n-db' },
			});
		});
	});

	it('says which ids exist when the workflow is not in the set', async () => {
		const source = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		try {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local'));
			await expect(extractWorkflow({ setPath: set.path, workflowId: 'nope' })).rejects.toMatchObject({
				code: 'WORKFLOW_NOT_FOUND',
				hint: expect.stringMatching(/42 workflows/),
			});
		} finally {
			await source.drop();
		}
	});

	it('decodes COPY text escapes (tabs, newlines, backslashes, octal and hex bytes, NULL)', () => {
		expect(decodeCopyField('a\\tb\\nc\\\\d')).toBe('a\tb\nc\\d');
		expect(decodeCopyField('\\N')).toBeNull();
		expect(decodeCopyField('caf\\303\\251 \\xe2\\x82\\xac')).toBe('café €');
		expect(decodeCopyField('plain «ünïcode» 😀')).toBe('plain «ünïcode» 😀');
		expect(parseCopyHeader('COPY "my schema"."Work""flows" (id, "createdAt") FROM stdin;')).toEqual({
			schema: 'my schema',
			table: 'Work"flows',
			columns: ['id', 'createdAt'],
		});
	});
});
