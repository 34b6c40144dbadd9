import { readManifest } from '../../core';
import { join } from 'node:path';
import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { Restore } from '../../nodes/Restore/Restore.node';
import { runNode } from '../support/n8nNodeHarness';
import { startPitrCluster, type PitrCluster } from '../support/pitrCluster';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';

const env = testEnv();

describe('Postgres Dump and Stack Restore nodes: base backup, WAL collection and restore to a point in time', () => {
	const tmp = useTempDir();
	const node = new PostgresDump();
	let cluster: PitrCluster;
	beforeAll(async () => {
		cluster = await startPitrCluster();
	}, 120_000);
	afterAll(() => cluster?.remove());

	const run = async (parameters: Record<string, unknown>) => {
		const [out] = await runNode(node, {
			parameters: {
				method: 'docker',
				containerName: cluster.name,
				backupRoot: tmp.path(),
				setName: 'n8n-postgres',
				compression: 'zstd',
				options: {},
				...parameters,
			},
			credentials: {
				stackBackupPostgresApi: { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'n8n', ssl: 'disable' },
				stackBackupDockerApi: { connection: 'socket', socketPath: env.dockerSocket },
			},
			items: [{ json: {} }],
			executionId: '77',
		});
		return out[0].json as Record<string, unknown>;
	};

	it('collects WAL, takes a physical base backup, restores it to the latest moment in a scratch container, checks the collection and turns it off', async () => {
		const first = await run({ operation: 'collectWal' });
		expect(first).toMatchObject({ set: 'n8n-postgres', slotCreated: true, timeline: 1 });
		const base = await run({ operation: 'backup', format: 'physical' });
		const manifest = await readManifest(base.path as string);
		expect(manifest.artifacts.map((a) => [a.file, a.format])).toEqual([
			['base.tar.zst', 'physical'],
			['workflows.json', 'n8n-export'],
		]);
		expect(manifest.runId).toBe('77');
		await cluster.sql(`UPDATE workflow_entity SET name = 'changed' WHERE id = 'wf1AAAAAAAAAAAAA'`);
		expect(await run({ operation: 'collectWal' })).toMatchObject({ slotCreated: false });
		const [restored] = await runNode(new Restore(), {
			parameters: {
				resource: 'set',
				operation: 'restorePointInTime',
				setFolder: join(tmp.path(), 'n8n-postgres'),
				recoverTo: 'latest',
				likeContainer: cluster.name,
			},
			credentials: { stackBackupDockerApi: { connection: 'socket', socketPath: env.dockerSocket } },
			items: [{ json: {} }],
		});
		expect(restored[0].json).toMatchObject({ workflowCount: 42, differences: [], verifyOutput: 'backup successfully verified' });
		expect(String(restored[0].json.comparedWith)).toMatch(/WAL batch/);
		const health = await run({ operation: 'checkWal', walMaxAgeMinutes: 30 });
		expect(health.problems).toEqual([]);
		expect(await run({ operation: 'stopWal' })).toMatchObject({ dropped: true });
	}, 180_000);
});
