import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';
import {
	backupPostgres,
	discardLoaded,
	loadingDatabaseName,
	loadPostgresAside,
	readManifest,
	restorePostgres,
	swapInLoaded,
	type PostgresRestoreOptions,
} from '../../../core';
import { dumpOptions } from '../../support/backupOptions';
import { fingerprint } from '../../support/dbFingerprint';
import { createScratchDatabase, uniqueName, withClient, type PgServer, type ScratchDatabase } from '../../support/scratchDatabase';
import { writeSyntheticSet } from '../../support/syntheticSets';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

const exists = (server: PgServer, name: string) =>
	withClient(server, 'postgres', async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

describe('Postgres restore (real psql / pg_restore, locally and in the container)', () => {
	const tmp = useTempDir();

	const cases = [
		{ method: 'local' as const, format: 'plain' as const, compression: 'zstd' as const },
		{ method: 'local' as const, format: 'custom' as const, compression: 'gzip' as const },
		{ method: 'docker' as const, format: 'plain' as const, compression: 'gzip' as const },
		// zstd's output straight into `docker exec -i … psql`, never through this process (dockerCliExec.ts).
		{ method: 'docker' as const, format: 'plain' as const, compression: 'zstd' as const },
		{ method: 'docker' as const, format: 'custom' as const, compression: 'zstd' as const },
	];

	describe.each(cases)('$method, $format, $compression', ({ method, format, compression }) => {
		const server = method === 'local' ? env.hostPostgres : env.containerPostgres;
		let source: ScratchDatabase;
		const targets: string[] = [];
		beforeEach(async () => {
			source = await createScratchDatabase(server, { n8nFixture: true });
		});
		afterEach(async () => {
			await source.drop();
			for (const name of targets.splice(0))
				await withClient(server, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
		});

		const restoreOptions = (setPath: string, database: string, extra: Partial<PostgresRestoreOptions> = {}): PostgresRestoreOptions => ({
			setPath,
			method,
			connection: { ...source.connection, database },
			docker:
				method === 'docker' ? { connection: { socketPath: env.dockerSocket }, container: env.containerPostgres.container } : undefined,
			jobs: 2,
			...extra,
		});

		it('restores into a new database: rows and workflow checksums equal the source', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, method, { format, compression }));
			const target = uniqueName('restored');
			targets.push(target);
			const result = await restorePostgres(restoreOptions(set.path, target));
			expect(await fingerprint(server, target)).toEqual(await fingerprint(server, source.name));
			expect(result).toMatchObject({ database: target, replaced: false, safetyBackup: null, format });
			expect(result.comparison).toMatchObject({ differences: [], workflowsChecked: 42 });
			expect(result.comparison.tablesChecked).toBeGreaterThan(5);
		});

		it('replaces an existing database only when its name is typed, after a safety backup', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, method, { format, compression }));
			const target = (await createScratchDatabase(server)).name;
			targets.push(target);
			await withClient(server, target, (c) => c.query('CREATE TABLE precious (v text); INSERT INTO precious VALUES ($$keep me$$)'));

			await expect(restorePostgres(restoreOptions(set.path, target))).rejects.toMatchObject({
				code: 'CONFIRMATION_REQUIRED',
				hint: expect.stringContaining(`"${target}"`),
			});
			await expect(restorePostgres(restoreOptions(set.path, target, { confirmReplace: 'n8n' }))).rejects.toMatchObject({
				code: 'CONFIRMATION_REQUIRED',
			});
			expect(await withClient(server, target, (c) => c.query('SELECT v FROM precious'))).toMatchObject({ rows: [{ v: 'keep me' }] });

			// A session left open on the target does not block the replace (DROP ... WITH (FORCE)).
			const open = new Client({ ...server, database: target });
			const ended = new Promise((resolve) => open.on('error', resolve));
			await open.connect();
			try {
				const result = await restorePostgres(restoreOptions(set.path, target, { confirmReplace: target }));
				expect(result.replaced).toBe(true);
				expect(await ended).toMatchObject({ message: expect.stringMatching(/terminat/) });
				const safety = await readManifest(result.safetyBackup!);
				expect(safety.set).toBe(`pre-restore-${target}`);
				expect((safety.inventory.postgres as { tables: Array<{ name: string; rows: number }> }).tables).toContainEqual(
					expect.objectContaining({ name: 'precious', rows: 1 }),
				);
			} finally {
				await open.end().catch(() => undefined);
			}
			expect(await fingerprint(server, target)).toEqual(await fingerprint(server, source.name));
		});

		it('a load stopped by its signal as it begins (a recovery stopping before its Postgres step) commits nothing: no loading database, the target untouched', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, method, { format, compression }));
			const target = (await createScratchDatabase(server)).name;
			targets.push(target);
			await withClient(server, target, (c) => c.query('CREATE TABLE precious (v text); INSERT INTO precious VALUES ($$keep me$$)'));
			const stop = new AbortController();
			const log = { info: (m: string) => m.startsWith('Restoring') && stop.abort(new Error('stopped by the test')), warn: () => undefined };

			await expect(loadPostgresAside(restoreOptions(set.path, target, { confirmReplace: target, log }), stop.signal)).rejects.toThrow(
				'stopped by the test',
			);
			expect(stop.signal.aborted).toBe(true);
			expect(await exists(server, loadingDatabaseName(target))).toBe(false);
			expect(await withClient(server, target, (c) => c.query('SELECT v FROM precious'))).toMatchObject({ rows: [{ v: 'keep me' }] });
		});

		it('loaded aside, then swapped in: the same database as a restore in one go; an aside load dropped instead leaves no trace', async () => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, method, { format, compression }));
			const target = uniqueName('aside');
			targets.push(target);
			const dropped = await loadPostgresAside(restoreOptions(set.path, target));
			expect(await exists(server, loadingDatabaseName(target))).toBe(true);
			await discardLoaded(dropped);
			expect(await exists(server, loadingDatabaseName(target))).toBe(false);
			expect(await exists(server, target)).toBe(false);

			const result = await swapInLoaded(await loadPostgresAside(restoreOptions(set.path, target)));
			expect(result.comparison.differences).toEqual([]);
			expect(await fingerprint(server, target)).toEqual(await fingerprint(server, source.name));
			expect(await exists(server, loadingDatabaseName(target))).toBe(false);
		});
	});

	it('refuses a set whose artifact changed (CHECKSUM_MISMATCH) before touching any database', async () => {
		const source = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		try {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { compression: 'none' }));
			const file = join(set.path, set.artifacts[0].file);
			const bytes = readFileSync(file);
			bytes[Math.floor(bytes.length / 2)] ^= 0x01;
			writeFileSync(file, bytes);
			const target = uniqueName('never');
			await expect(
				restorePostgres({ setPath: set.path, method: 'local', connection: { ...source.connection, database: target } }),
			).rejects.toMatchObject({
				code: 'CHECKSUM_MISMATCH',
				hint: expect.stringMatching(/Nothing was restored/),
			});
			expect(await exists(env.hostPostgres, target)).toBe(false);
		} finally {
			await source.drop();
		}
	});

	const FAILING_SQL = 'CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\nTHIS IS NOT SQL;\n';

	const serverOf = (method: 'local' | 'docker') => (method === 'local' ? env.hostPostgres : env.containerPostgres);

	/** Restores a synthetic set into a new database: on the host server (local psql), or in the Postgres container. */
	function restoreSyntheticInto(dir: string, target: string, method: 'local' | 'docker' = 'local') {
		const s = serverOf(method);
		return restorePostgres({
			setPath: dir,
			method,
			connection: { host: s.host, port: s.port, user: s.user, password: s.password, database: target },
			docker:
				method === 'docker' ? { connection: { socketPath: env.dockerSocket }, container: env.containerPostgres.container } : undefined,
		});
	}

	const MEGABYTES_MORE = 'INSERT INTO half VALUES (2);\n'.repeat(300_000);
	it.each([
		['', 'local', undefined, ''],
		// zstd's output goes straight into psql (psqlFedByZstd.ts): psql's own error is still the one told.
		[', loaded from the zstd program straight into psql,', 'local', 1, ''],
		// psql stops at the error with megabytes still to come: the input let go of is no failure of the dump's.
		[', with 9 MB of the dump still unread when psql stops,', 'local', undefined, MEGABYTES_MORE],
		// The same through the Engine API (uncompressed) and through the docker program (zstd).
		[' in the container, through the Engine API,', 'docker', undefined, MEGABYTES_MORE],
		[' in the container, from zstd straight into `docker exec -i psql`,', 'docker', 1, MEGABYTES_MORE],
	] as const)(
		'a failed restore into a new database%s leaves no database behind, nothing half-loaded, and does not wait on the rest of the dump',
		async (_how, method, zstd, rest) => {
			const dir = writeSyntheticSet(tmp.path(), 'broken', new Date('2026-01-01T02:00:00Z'), { content: FAILING_SQL + rest, zstd });
			const target = uniqueName('failed');
			const began = Date.now();
			await expect(restoreSyntheticInto(dir, target, method)).rejects.toMatchObject({
				code: 'PG_RESTORE_FAILED',
				message: expect.stringMatching(/syntax error/),
			});
			// The Engine keeps a finished exec's socket open for minutes, reading nothing: the feed must not wait on it.
			expect(Date.now() - began).toBeLessThan(30_000);
			expect(await exists(serverOf(method), target)).toBe(false);
			expect(await exists(serverOf(method), loadingDatabaseName(target))).toBe(false);
		},
	);

	it.each(['local', 'docker'] as const)(
		'a zstd dump that zstd cannot finish is never committed, even with its sha256 matching: psql gets no COMMIT (%s psql)',
		async (method) => {
			// Whole statements come out of zstd before it finds the frame cut short: psql has loaded them.
			const rows = Array.from({ length: 20_000 }, (_, i) => `INSERT INTO half VALUES (${i});`).join('\n');
			const dir = writeSyntheticSet(tmp.path(), 'cut-zst', new Date('2026-01-01T02:00:00Z'), {
				content: `CREATE TABLE half (id int);\n${rows}\n`,
				zstd: 0.8,
			});
			const target = uniqueName('cutzst');
			await expect(restoreSyntheticInto(dir, target, method)).rejects.toMatchObject({
				code: 'INVALID_INPUT',
				message: expect.stringMatching(/zstd -d ended with 1: .*\(the artifact is damaged\)/),
				hint: expect.stringMatching(/Nothing was restored/),
			});
			expect(await exists(serverOf(method), target)).toBe(false);
			expect(await exists(serverOf(method), loadingDatabaseName(target))).toBe(false);
		},
	);

	/**
	 * A docker program first on PATH: `before` (shell lines, given the real one's path as $REAL) runs,
	 * then the real one; and a restore of a small zstd plain dump into a new database in the container.
	 */
	async function restoreThroughDockerWrapper(before: string, content: string, restore: (options: PostgresRestoreOptions) => Promise<void>) {
		const bin = tmp.path();
		const real = execFileSync('sh', ['-c', 'command -v docker']).toString().trim();
		writeFileSync(join(bin, 'docker'), `#!/bin/sh\n${before}\nexec '${real}' "$@"\n`, { mode: 0o755 });
		const path = process.env.PATH;
		process.env.PATH = `${bin}${delimiter}${path}`;
		const s = env.containerPostgres;
		const dir = writeSyntheticSet(tmp.path(), 'viacli', new Date('2026-01-01T02:00:00Z'), { content, zstd: 1 });
		const target = uniqueName('viacli');
		try {
			await restore({
				setPath: dir,
				method: 'docker',
				connection: { user: s.user, password: s.password, database: target },
				docker: { connection: { socketPath: env.dockerSocket }, container: s.container },
			});
		} finally {
			process.env.PATH = path;
		}
		return { bin, target };
	}

	it('a zstd plain dump for a container goes from zstd into the docker program (`docker exec -i … psql`), which is asked first whether it reaches the Engine', async () => {
		// A docker on PATH that notes each call, then runs the real one: which way was taken shows.
		const calls = join(tmp.path(), 'calls');
		const s = env.containerPostgres;
		const { target } = await restoreThroughDockerWrapper(
			`echo "$1 $2" >> '${calls}'`,
			'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n',
			async (options) => {
				await restorePostgres(options);
			},
		);
		try {
			expect(readFileSync(calls, 'utf8').split('\n')).toEqual(['container inspect', 'exec -i', '']);
			expect(await withClient(s, target, async (c) => (await c.query('SELECT count(*)::int AS n FROM t')).rows[0].n)).toBe(1);
		} finally {
			await withClient(s, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`));
		}
	});

	it('a docker program that answers for the Engine but then fails to run psql (exit 125) says so, and the target is not changed', async () => {
		const s = env.containerPostgres;
		const { target } = await restoreThroughDockerWrapper(
			`if [ "$1" = exec ]; then echo 'Error response from daemon: container is paused' >&2; exit 125; fi`,
			'CREATE TABLE t (id int);\n',
			async (options) => {
				await expect(restorePostgres(options)).rejects.toMatchObject({
					code: 'PG_RESTORE_FAILED',
					message: expect.stringMatching(/docker program could not run psql .*container is paused/),
					hint: expect.stringMatching(/target database was not changed/),
				});
			},
		);
		expect(await exists(s, target)).toBe(false);
		expect(await exists(s, loadingDatabaseName(target))).toBe(false);
	});

	it('takes a set folder to mean its newest complete set', async () => {
		const source = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		const target = uniqueName('latest');
		try {
			await backupPostgres(dumpOptions(tmp.path(), source, 'local'));
			await withClient(env.hostPostgres, source.name, (c) =>
				c.query(
					`INSERT INTO workflow_entity (id, name, active, nodes, connections, "createdAt", "updatedAt") SELECT 'newer-wf', 'added later', false, '[]', '{}', now(), now()`,
				),
			);
			const newest = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { allowShrink: true }));
			const result = await restorePostgres({
				setPath: join(tmp.path(), 'n8n-db'),
				method: 'local',
				connection: { ...source.connection, database: target },
			});
			expect(result.set).toBe(newest.path);
			expect(result.comparison.workflowsChecked).toBe(43);
		} finally {
			await withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`));
			await source.drop();
		}
	});
});
