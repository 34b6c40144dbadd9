import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { backupPostgres, backupRedis, backupVolume, type RedisBackupOptions } from '../../core';
import { Restore } from '../../nodes/Restore/Restore.node';
import { dumpOptions } from '../support/backupOptions';
import { fingerprint } from '../support/dbFingerprint';
import { runNode } from '../support/n8nNodeHarness';
import { seedRedis, withRedis } from '../support/redisFixtures';
import { createScratchDatabase, uniqueName, withClient, type ScratchDatabase } from '../support/scratchDatabase';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';
import { describeTree, makeTree } from '../support/volumeFixtures';

const env = testEnv();
const docker = { stackBackupDockerApi: { connection: 'socket', socketPath: env.dockerSocket } };
const containerPg = {
	host: '127.0.0.1',
	port: env.containerPostgres.port,
	user: env.containerPostgres.user,
	password: env.containerPostgres.password,
	database: 'postgres',
};

describe("Stack Restore node in n8n-core's execute context", () => {
	const tmp = useTempDir();
	const node = new Restore();
	let source: ScratchDatabase;
	beforeAll(async () => {
		source = await createScratchDatabase(env.containerPostgres, { n8nFixture: true });
	});
	afterAll(() => source.drop());

	it('drill: one verdict item per set (Postgres in the container, Redis in a scratch container, a folder)', async () => {
		const root = join(tmp.path(), 'backups');
		await backupPostgres(dumpOptions(root, source, 'docker', { setName: 'n8n-postgres', format: 'custom' }));
		await seedRedis(env.containerRedis.port);
		await backupRedis({
			root,
			setName: 'n8n-redis',
			compression: 'zstd',
			method: 'sync',
			connection: { host: '127.0.0.1', port: env.containerRedis.port },
		} as RedisBackupOptions);
		await backupVolume({ root, setName: 'n8n-data', source: { type: 'dir', path: makeTree() }, compression: 'zstd' });
		const [out] = await runNode(node, {
			parameters: {
				resource: 'drill',
				operation: 'drill',
				setFolders: ['n8n-postgres', 'n8n-redis', 'n8n-data'].map((s) => join(root, s)).join('\n'),
				scratchPostgres: 'docker',
				postgresContainer: 'postgres',
				scratchRedis: 'container',
				redisContainer: 'redis',
				errorOnFail: true,
			},
			credentials: { ...docker, stackBackupPostgresApi: containerPg },
		});
		expect(out.map((o) => [o.json.set, o.json.verdict])).toEqual([
			['n8n-postgres', 'pass'],
			['n8n-redis', 'pass'],
			['n8n-data', 'pass'],
		]);
	});

	it('drill: a failed verdict stops the workflow with the differences (so the error workflow alerts), or is output as an item', async () => {
		const root = join(tmp.path(), 'backups');
		const set = await backupVolume({ root, setName: 'n8n-data', source: { type: 'dir', path: makeTree() }, compression: 'none' });
		const { readFileSync, writeFileSync } = await import('node:fs');
		const manifestPath = join(set.path, 'manifest.json');
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
		manifest.inventory.volume.bytes += 1;
		writeFileSync(manifestPath, JSON.stringify(manifest));
		const parameters = {
			resource: 'drill',
			operation: 'drill',
			setFolders: set.path,
			scratchPostgres: 'none',
			scratchRedis: 'local',
			errorOnFail: true,
		};
		const error = await runNode(node, { parameters, credentials: docker }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Restore drill failed for .*\[DRILL_FAILED\]/);
		expect(error.description).toMatch(/bytes restored, the manifest says/);
		const [out] = await runNode(node, { parameters: { ...parameters, errorOnFail: false }, credentials: docker });
		expect(out[0].json).toMatchObject({ verdict: 'fail' });
		// With Continue On Fail, the error item carries the code an alert workflow can route on.
		const [errorItems] = await runNode(node, { parameters, credentials: docker, continueOnFail: true });
		expect(errorItems[0].json).toMatchObject({ code: 'DRILL_FAILED', hint: expect.stringMatching(/take a new backup/) });
	});

	it('an operation that its resource does not offer fails naming both, not with a TypeError', async () => {
		for (const [parameters, message] of [
			[{ resource: 'drill', operation: 'restorePostgres' }, 'Stack Restore has no operation "restorePostgres" for resource "drill"'],
			[{ resource: 'set', operation: 'toString' }, 'Stack Restore has no operation "toString" for resource "set"'],
			[{ resource: 'nonsense', operation: 'drill' }, 'Stack Restore has no resource "nonsense"'],
		] as const) {
			const error = await runNode(node, { parameters, credentials: {} }).catch((e) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(message);
			expect(error.description).toMatch(/workflow \(listWorkflows, extractWorkflow, compareWorkflows, pickWorkflows\)/);
		}
	});

	it('restores Postgres into a new database in the container, and refuses an existing one without the typed name', async () => {
		const root = join(tmp.path(), 'backups');
		const set = await backupPostgres(dumpOptions(root, source, 'docker', { setName: 'n8n-postgres' }));
		const target = uniqueName('node_restored');
		const parameters = {
			resource: 'set',
			operation: 'restorePostgres',
			method: 'docker',
			containerName: 'postgres',
			setFolder: set.path,
			targetDatabase: target,
			confirmReplace: '',
			jobs: 2,
			noOwner: false,
		};
		try {
			const [out] = await runNode(node, { parameters, credentials: { ...docker, stackBackupPostgresApi: containerPg } });
			expect(out[0].json).toMatchObject({ database: target, verified: true, replaced: false });
			expect(await fingerprint(env.containerPostgres, target)).toEqual(await fingerprint(env.containerPostgres, source.name));
			const error = await runNode(node, { parameters, credentials: { ...docker, stackBackupPostgresApi: containerPg } }).catch((e) => e);
			expect(error.message).toMatch(/already exists.*\[CONFIRMATION_REQUIRED\]/);
			expect(error.description).toMatch(new RegExp(`confirm with its name "${target}"`));
			// The core names the input; the node words it as its own field labels.
			expect(error.description).toMatch(/Fields: "Replace Confirmation", "Target Database"\.$/);
		} finally {
			await withClient(env.containerPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`));
		}
	});

	it('restores Redis into its container, and a folder set into a folder', async () => {
		const root = join(tmp.path(), 'backups');
		await seedRedis(env.containerRedis.port);
		const snap = await backupRedis({
			root,
			setName: 'n8n-redis',
			compression: 'zstd',
			method: 'sync',
			connection: { host: '127.0.0.1', port: env.containerRedis.port },
		} as RedisBackupOptions);
		await withRedis(env.containerRedis.port, (r) => r.flushall());
		const [redis] = await runNode(node, {
			parameters: { resource: 'set', operation: 'restoreRedis', setFolder: snap.path, redisContainer: 'redis' },
			credentials: { ...docker, stackBackupRedisApi: { host: '127.0.0.1', port: env.containerRedis.port } },
		});
		expect(redis[0].json).toMatchObject({ verified: true, keys: { db0: 150, db2: 7 } });

		const tree = makeTree();
		const folderSet = await backupVolume({ root, setName: 'n8n-data', source: { type: 'dir', path: tree }, compression: 'gzip' });
		const target = join(tmp.path(), 'restored');
		const [dir] = await runNode(node, {
			parameters: {
				resource: 'set',
				operation: 'restoreVolume',
				setFolder: folderSet.path,
				targetType: 'dir',
				targetFolder: target,
				overwrite: false,
			},
			credentials: {},
		});
		expect(dir[0].json).toMatchObject({ verified: true, mode: 'keep existing' });
		expect(describeTree(target)).toEqual(describeTree(tree));
	});

	it('lists a set\'s workflows, and extracts one for n8n\'s "Create a workflow"', async () => {
		const set = await backupPostgres(
			dumpOptions(join(tmp.path(), 'backups'), source, 'docker', { setName: 'n8n-postgres', format: 'custom' }),
		);
		const [listed] = await runNode(node, {
			parameters: { resource: 'workflow', operation: 'listWorkflows', setFolder: join(tmp.path(), 'backups', 'n8n-postgres') },
			credentials: {},
		});
		expect(listed).toHaveLength(42);
		expect(listed[0].json).toMatchObject({
			id: expect.any(String),
			name: expect.any(String),
			sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
			path: set.path,
		});
		const [extracted] = await runNode(node, {
			parameters: {
				resource: 'workflow',
				operation: 'extractWorkflow',
				setFolder: set.path,
				workflowId: 'wf1AAAAAAAAAAAAA',
				method: 'docker',
				containerName: 'postgres',
			},
			credentials: docker,
		});
		expect(extracted[0].json).toMatchObject({
			checksumMatches: true,
			workflow: {
				name: expect.stringMatching(/^Nightly report \(restored \d{4}-\d{2}-\d{2}\)$/),
				connections: { Schedule: expect.any(Object) },
			},
		});
	});

	it('refuses a set folder outside the folders n8n allows, naming the variable', async () => {
		const error = await runNode(node, {
			parameters: { resource: 'workflow', operation: 'listWorkflows', setFolder: '/etc' },
			credentials: {},
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.description).toMatch(/N8N_RESTRICT_FILE_ACCESS_TO/);
	});
});
