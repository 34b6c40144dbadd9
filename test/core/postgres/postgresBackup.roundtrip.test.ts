import { join } from 'node:path';
import { backupPostgres, sha256File, readManifest, defaultCompression, type Compression, type PostgresBackupOptions } from '../../../core';
import { fingerprint } from '../../support/dbFingerprint';
import { restoreIntoNewDatabase } from '../../support/restoreForTest';
import { createScratchDatabase, uniqueName, withClient, type PgServer, type ScratchDatabase } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const hostServer: PgServer = env.hostPostgres;
const containerServer: PgServer = env.containerPostgres;

type Case = { method: 'local' | 'docker'; format: 'plain' | 'custom'; compression: Compression };
const cases: Case[] = [
	{ method: 'local', format: 'plain', compression: defaultCompression() },
	{ method: 'local', format: 'custom', compression: 'gzip' },
	{ method: 'docker', format: 'plain', compression: 'gzip' },
	{ method: 'docker', format: 'custom', compression: defaultCompression() },
	{ method: 'local', format: 'plain', compression: 'none' },
];

describe('Postgres dump round trip (real pg_dump, real restore)', () => {
	const tmp = useTempDir();

	describe.each(cases)('$method pg_dump, $format format, $compression', ({ method, format, compression }) => {
		const server = method === 'local' ? hostServer : containerServer;
		let source: ScratchDatabase;
		const restored: string[] = [];

		beforeEach(async () => {
			source = await createScratchDatabase(server, { n8nFixture: true });
		});
		afterEach(async () => {
			await source.drop();
			for (const name of restored.splice(0)) {
				await withClient(server, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
			}
		});

		function options(extra: Partial<PostgresBackupOptions> = {}): PostgresBackupOptions {
			return {
				root: tmp.path(),
				setName: 'n8n-db',
				method,
				connection: source.connection,
				docker:
					method === 'docker' ? { connection: { socketPath: env.dockerSocket }, container: env.containerPostgres.container } : undefined,
				format,
				compression,
				...extra,
			};
		}

		it('restores into a fresh database with the same rows and workflow checksums', async () => {
			const result = await backupPostgres(options({ runId: 'exec-42' }));
			const target = uniqueName('restored');
			restored.push(target);
			await restoreIntoNewDatabase(server, result.path, result.artifacts[0], target);

			const before = await fingerprint(server, source.name);
			const after = await fingerprint(server, target);
			expect(after).toEqual(before);
			expect(before.rows['public.execution_data']).toBe(300);
			expect(Object.keys(before.workflows)).toHaveLength(42);

			const manifest = await readManifest(result.path);
			expect(manifest.runId).toBe('exec-42');
			expect(manifest.artifacts[0]).toMatchObject({ kind: 'postgres', format, compression });
			// The manifest's inventory agrees with the independent fingerprint.
			const inv = manifest.inventory.postgres as {
				tables: Array<{ schema: string; name: string; rows: number }>;
				n8n: { workflows: Array<{ id: string; sha256: string }> };
			};
			for (const t of inv.tables) expect(t.rows).toBe(before.rows[`${t.schema}.${t.name}`]);
			expect(Object.fromEntries(inv.n8n.workflows.map((w) => [w.id, w.sha256]))).toEqual(before.workflows);
		});

		it('records a sha256 and size that match the file on disk', async () => {
			const result = await backupPostgres(options());
			const artifact = result.artifacts[0];
			const file = join(result.path, artifact.file);
			expect(await sha256File(file)).toBe(artifact.sha256);
			const { statSync } = await import('node:fs');
			expect(statSync(file).size).toBe(artifact.size);
			expect(artifact.rawSize).toBeGreaterThan(artifact.size * (compression === 'none' ? 0.99 : 1));
		});
	});
});
