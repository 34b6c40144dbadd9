import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupVolume, listWorkflows, pickExportedWorkflows, runRestoreDrill, workflowChangesSince } from '../../../core';
import { useTempDir } from '../../support/tempDir';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DatabaseSync } = require('node:sqlite') as {
	DatabaseSync: new (p: string) => { exec(sql: string): void; close(): void };
};

/** n8n's workflow table as n8n 2.x keeps it in SQLite (JSON as text, booleans as integers, UTC times as text). */
const N8N_SQLITE = `
	CREATE TABLE workflow_entity (id varchar(36) PRIMARY KEY, name varchar(128) NOT NULL, active boolean NOT NULL,
		nodes text NOT NULL, connections text NOT NULL, settings text, staticData text, pinData text, versionId char(36),
		triggerCount integer DEFAULT 0, meta text, parentFolderId varchar(36), isArchived boolean DEFAULT 0,
		createdAt datetime(3) NOT NULL DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')),
		updatedAt datetime(3) NOT NULL DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')));
	INSERT INTO workflow_entity (id, name, active, nodes, connections, settings, parentFolderId) VALUES
		('sqWf1AAAAAAAAAAA', 'Nightly report', 1, '[{"id":"a","name":"Schedule","type":"n8n-nodes-base.scheduleTrigger","typeVersion":1,"position":[0,0],"parameters":{}}]',
		 '{"Schedule":{"main":[[]]}}', '{"executionOrder":"v1"}', 'folderXYZ'),
		('sqWf2BBBBBBBBBBB', 'Webhook «ünïcode»', 0, '[{"id":"b","name":"Webhook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"parameters":{"path":"x\\ty"}}]', '{}', NULL, NULL);
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
		INSERT INTO workflow_entity (id, name, active, nodes, connections) SELECT 'gen' || printf('%013d', i), 'Generated ' || i, 0, '[]', '{}' FROM n;`;

describe('workflows.json in an n8n folder set on SQLite', () => {
	const tmp = useTempDir('sqlite-workflows-');

	it.each([
		{ live: true, what: 'a live database (rows only in its WAL): read from the same consistent copy the archive holds' },
		{ live: false, what: 'a database nobody writes: read from the file itself' },
	])('$what', async ({ live }) => {
		const dir = mkdtempSync(join(tmpdir(), 'n8n-home-'));
		const db = new DatabaseSync(join(dir, 'database.sqlite'));
		try {
			db.exec(`${live ? 'PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;' : ''}${N8N_SQLITE}`);
			if (!live) db.close();
			writeFileSync(join(dir, 'config'), JSON.stringify({ encryptionKey: 'k-123456' }));
			const result = await backupVolume({ root: tmp.path(), setName: 'n8n-home', compression: 'zstd', source: { type: 'dir', path: dir } });
			expect(result.inventory.n8n).toMatchObject({ sqlite: true, sqliteSnapshot: live });
			expect(result.artifacts.map((a) => [a.kind, a.file])).toEqual([
				['volume', expect.stringMatching(/\.tar\.zst$/)],
				['workflows', 'workflows.json'],
			]);
			const exported = JSON.parse(readFileSync(join(result.path, 'workflows.json'), 'utf8')) as Array<Record<string, unknown>>;
			expect(exported).toHaveLength(252);
			const first = exported.find((w) => w.id === 'sqWf1AAAAAAAAAAA')!;
			expect(first).toMatchObject({
				name: 'Nightly report',
				active: true,
				isArchived: false,
				nodes: [{ name: 'Schedule', type: 'n8n-nodes-base.scheduleTrigger' }],
				connections: { Schedule: { main: [[]] } },
				settings: { executionOrder: 'v1' },
				updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
			});
			expect(first).not.toHaveProperty('parentFolderId');
			expect(exported.find((w) => w.id === 'sqWf2BBBBBBBBBBB')).toMatchObject({ nodes: [{ parameters: { path: 'x\ty' } }] });

			// The browser's operations work on it as on a Postgres set: from the manifest and workflows.json.
			const listed = await listWorkflows(result.path);
			expect(listed).toHaveLength(252);
			expect(listed.find((w) => w.id === 'sqWf2BBBBBBBBBBB')).toMatchObject({ name: 'Webhook «ünïcode»', active: false });
			const picked = await pickExportedWorkflows({ setPath: result.path, workflowIds: ['sqWf2BBBBBBBBBBB'] });
			expect(picked.workflows[0]).toMatchObject({ id: 'sqWf2BBBBBBBBBBB', connections: {} });
			const changes = await workflowChangesSince(
				result.path,
				listed.map((w) => ({ id: w.id, name: w.name, updatedAt: w.updatedAt })),
			);
			expect(changes.workflows.every((w) => w.change === 'unchanged')).toBe(true);
			const drill = await runRestoreDrill({ setPath: result.path });
			expect(drill.checks.map((c) => [c.kind, c.result])).toEqual([
				['volume', 'pass'],
				['workflows', 'pass'],
			]);
		} finally {
			if (live) db.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
