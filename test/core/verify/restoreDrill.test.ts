import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	backupFiles,
	backupPostgres,
	backupRedis,
	backupVolume,
	runRestoreDrill,
	type DrillOptions,
	type RedisBackupOptions,
} from '../../../core';
import { dumpOptions } from '../../support/backupOptions';
import { testDocker } from '../../support/dockerFixtures';
import { createScratchDatabase, withClient, type ScratchDatabase } from '../../support/scratchDatabase';
import { seedRedis, withRedis, withThrowawayRedis } from '../../support/redisFixtures';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';
import { makeTree } from '../../support/volumeFixtures';

const env = testEnv();
const dockerConnection = { socketPath: env.dockerSocket };

const drillDatabases = (port: number) =>
	withClient(
		{ ...env.hostPostgres, port },
		'postgres',
		async (c) => (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'n8n_stack_drill_%'`)).rows,
	);

/** Rewrites an uncompressed artifact and its manifest record, as if the dump itself had been made that way. */
function rewriteArtifact(setDir: string, edit: (text: string) => string): void {
	const manifestPath = join(setDir, 'manifest.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
	const artifact = manifest.artifacts[0];
	const content = Buffer.from(edit(readFileSync(join(setDir, artifact.file), 'utf8')));
	writeFileSync(join(setDir, artifact.file), content);
	Object.assign(artifact, { size: content.length, rawSize: content.length, sha256: createHash('sha256').update(content).digest('hex') });
	writeFileSync(manifestPath, JSON.stringify(manifest));
}

describe('restore drills (scratch targets, compared with the manifest, always cleaned up)', () => {
	const tmp = useTempDir();

	describe('Postgres', () => {
		let source: ScratchDatabase;
		beforeAll(async () => {
			source = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		});
		afterAll(() => source.drop());
		const pg = (): DrillOptions['postgres'] => ({ method: 'local', connection: source.connection });

		it('a bad number of jobs is refused before the set is read or a scratch database made', async () => {
			const missingSet = join(tmp.path(), 'no-such-set');
			await expect(runRestoreDrill({ setPath: missingSet, postgres: { ...pg()!, jobs: 'abc' } })).rejects.toMatchObject({
				code: 'INVALID_INPUT',
				details: { field: 'jobs' },
			});
		});

		it('passes on a good set and leaves no scratch database behind', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { format: 'custom', compression: 'zstd' }));
			const verdict = await runRestoreDrill({ setPath: set.path, postgres: pg() });
			expect(verdict).toMatchObject({ verdict: 'pass', differences: [], set: 'n8n-db' });
			expect(verdict.checks[0]).toMatchObject({ kind: 'postgres', result: 'pass', summary: expect.stringContaining('42 n8n workflows') });
			expect(await drillDatabases(env.hostPostgres.port)).toEqual([]);
		});

		it('passes through psql in the Postgres container too', async () => {
			const inContainer = await createScratchDatabase(env.containerPostgres, { n8nFixture: true });
			try {
				const set = await backupPostgres(dumpOptions(tmp.path(), inContainer, 'docker', { format: 'plain' }));
				const verdict = await runRestoreDrill({
					setPath: set.path,
					postgres: {
						method: 'docker',
						connection: inContainer.connection,
						docker: { connection: dockerConnection, container: env.containerPostgres.container },
					},
				});
				expect(verdict.verdict).toBe('pass');
				expect(await drillDatabases(env.containerPostgres.port)).toEqual([]);
			} finally {
				await inContainer.drop();
			}
		});

		it('fails a set with one flipped byte (checksum), without restoring anything', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { compression: 'gzip' }));
			const file = join(set.path, set.artifacts[0].file);
			const bytes = readFileSync(file);
			bytes[100] ^= 0x04;
			writeFileSync(file, bytes);
			const verdict = await runRestoreDrill({ setPath: set.path, postgres: pg() });
			expect(verdict).toMatchObject({ verdict: 'fail', checks: [] });
			expect(verdict.differences[0]).toMatch(/^CHECKSUM_MISMATCH/);
		});

		it('fails a set whose dump lost one row, naming the table', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { compression: 'none' }));
			rewriteArtifact(set.path, (sql) => {
				const start = sql.indexOf('COPY public.execution_data');
				const firstRow = sql.indexOf('\n', start) + 1;
				return sql.slice(0, firstRow) + sql.slice(sql.indexOf('\n', firstRow) + 1);
			});
			const verdict = await runRestoreDrill({ setPath: set.path, postgres: pg() });
			expect(verdict.verdict).toBe('fail');
			expect(verdict.differences).toEqual([expect.stringMatching(/table public\.execution_data has 299 rows, the manifest says 300/)]);
			expect(await drillDatabases(env.hostPostgres.port)).toEqual([]);
		});

		it('fails, rather than passes, when no scratch server is given', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local'));
			const verdict = await runRestoreDrill({ setPath: set.path });
			expect(verdict).toMatchObject({ verdict: 'fail', differences: [expect.stringMatching(/no scratch Postgres server/)] });
		});
	});

	describe('Redis', () => {
		it.each([
			['a scratch redis-server on a free port', (): DrillOptions['redis'] => ({ type: 'local' })],
			[
				'a scratch container like the live one',
				(): DrillOptions['redis'] => ({ type: 'container', docker: dockerConnection, likeContainer: env.containerRedis.container }),
			],
		])('passes in %s, and the live Redis is untouched', async (_name, redis) => {
			const port = env.containerRedis.port;
			await seedRedis(port);
			const set = await backupRedis({
				root: tmp.path(),
				setName: 'redis',
				compression: 'zstd',
				method: 'sync',
				connection: { host: '127.0.0.1', port },
			} as RedisBackupOptions);
			await withRedis(port, (r) => r.set('live-only', '1'));
			const verdict = await runRestoreDrill({ setPath: set.path, redis: redis() });
			expect(verdict).toMatchObject({ verdict: 'pass', checks: [{ kind: 'redis', summary: '157 keys loaded' }] });
			await withRedis(port, async (r) => expect(await r.dbsize()).toBe(151));
			const leftovers = await testDocker().listContainers({ all: true, filters: { label: ['io.n8n-stack-backup.helper'] } });
			expect(leftovers).toEqual([]);
		});

		it('passes in an empty Redis given by URL (loaded by replication, flushed afterwards)', async () => {
			await seedRedis(env.hostRedis.port);
			const set = await backupRedis({
				root: tmp.path(),
				setName: 'redis',
				compression: 'gzip',
				method: 'sync',
				connection: { host: '127.0.0.1', port: env.hostRedis.port },
			} as RedisBackupOptions);
			await withThrowawayRedis(async (port) => {
				const verdict = await runRestoreDrill({ setPath: set.path, redis: { type: 'url', connection: { host: '127.0.0.1', port } } });
				expect(verdict).toMatchObject({
					verdict: 'pass',
					checks: [{ summary: '157 keys loaded', scratch: 'empty Redis (flushed afterwards)' }],
				});
				await withRedis(port, async (r) => {
					expect(await r.dbsize()).toBe(0);
					expect(await r.info('replication')).toMatch(/role:master/);
				});
			});
		});

		it('refuses a Redis given by URL that holds keys, and leaves its keys alone', async () => {
			await seedRedis(env.hostRedis.port);
			const set = await backupRedis({
				root: tmp.path(),
				setName: 'redis',
				compression: 'none',
				method: 'sync',
				connection: { host: '127.0.0.1', port: env.hostRedis.port },
			} as RedisBackupOptions);
			await withThrowawayRedis(async (port) => {
				await withRedis(port, (r) => r.set('live', 'data'));
				const verdict = await runRestoreDrill({ setPath: set.path, redis: { type: 'url', connection: { host: '127.0.0.1', port } } });
				expect(verdict.verdict).toBe('fail');
				expect(verdict.differences[0]).toMatch(/holds 1 keys: a drill only loads into an empty Redis/);
				await withRedis(port, async (r) => expect(await r.get('live')).toBe('data'));
			});
		});

		it('fails when the RDB holds other key counts than the manifest', async () => {
			await seedRedis(env.hostRedis.port);
			const set = await backupRedis({
				root: tmp.path(),
				setName: 'redis',
				compression: 'none',
				method: 'sync',
				connection: { host: '127.0.0.1', port: env.hostRedis.port },
			} as RedisBackupOptions);
			const manifestPath = join(set.path, 'manifest.json');
			const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
			manifest.inventory.redis.keys.db0 = 151;
			writeFileSync(manifestPath, JSON.stringify(manifest));
			const verdict = await runRestoreDrill({ setPath: set.path, redis: { type: 'local' } });
			expect(verdict.differences).toEqual(['redis.rdb: db0 has 150 keys, the manifest says 151']);
		});
	});

	describe('volumes and files', () => {
		it('passes a folder set (file count and bytes) and removes its temp folder', async () => {
			const set = await backupVolume({ root: tmp.path(), setName: 'data', source: { type: 'dir', path: makeTree() }, compression: 'zstd' });
			const verdict = await runRestoreDrill({ setPath: set.path, scratchDir: tmp.path() });
			expect(verdict).toMatchObject({
				verdict: 'pass',
				checks: [{ kind: 'volume', summary: `${set.inventory.files} files, ${set.inventory.bytes} bytes restored` }],
			});
			const { readdirSync } = await import('node:fs');
			expect(readdirSync(tmp.path()).filter((n) => n.startsWith('n8n-stack-drill-'))).toEqual([]);
		});

		it('fails a folder set whose archive lost a file', async () => {
			const set = await backupVolume({ root: tmp.path(), setName: 'data', source: { type: 'dir', path: makeTree() }, compression: 'none' });
			const manifestPath = join(set.path, 'manifest.json');
			const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
			manifest.inventory.volume.files += 1;
			writeFileSync(manifestPath, JSON.stringify(manifest));
			const verdict = await runRestoreDrill({ setPath: set.path });
			expect(verdict.verdict).toBe('fail');
			expect(verdict.differences.join('\n')).toMatch(/files restored, the manifest says/);
		});

		it('passes a config-files set by content', async () => {
			const dir = makeTree();
			const set = await backupFiles({
				root: tmp.path(),
				setName: 'config',
				files: [join(dir, 'hello.txt'), join(dir, 'run.sh')],
				compression: 'gzip',
			});
			const verdict = await runRestoreDrill({ setPath: set.path });
			expect(verdict).toMatchObject({ verdict: 'pass' });
			expect(verdict.checks).toHaveLength(2);
		});
	});
});
