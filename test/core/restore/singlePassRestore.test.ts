import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupPostgres, loadingDatabaseName, openPlace, restorePostgres, type PostgresRestoreOptions } from '../../../core';
import { ageLibrary } from '../../../core/archive/ageLibrary';
import { dumpOptions } from '../../support/backupOptions';
import { fingerprint } from '../../support/dbFingerprint';
import { createScratchDatabase, uniqueName, withClient, type ScratchDatabase } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const server = env.hostPostgres;

const exists = (name: string) =>
	withClient(server, 'postgres', async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
const rowsOf = (database: string, table: string) =>
	withClient(server, database, async (c) => (await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number);

// A place over a local run folder that counts how often each key is read from storage.
function countingPlace(dir: string): { place: ReturnType<typeof openPlace>; reads: Map<string, number> } {
	const place = openPlace(dir, 'setFolder');
	const reads = new Map<string, number>();
	const storage = Object.create(place.storage) as typeof place.storage;
	storage.read = (key: string) => {
		reads.set(key.split('/').pop()!, (reads.get(key.split('/').pop()!) ?? 0) + 1);
		return place.storage.read(key);
	};
	return { place: { ...place, storage }, reads };
}

function damageNearEnd(file: string): void {
	const bytes = readFileSync(file);
	bytes[bytes.length - 3] ^= 0x01;
	writeFileSync(file, bytes);
}

describe('Restores check each sha256 in the pass that loads them (#16)', () => {
	const tmp = useTempDir();
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

	const options = (setPath: PostgresRestoreOptions['setPath'], database: string, extra: Partial<PostgresRestoreOptions> = {}) => ({
		setPath,
		method: 'local' as const,
		connection: { ...source.connection, database },
		...extra,
	});

	async function existingTarget(): Promise<string> {
		const target = uniqueName('live');
		targets.push(target);
		await withClient(server, 'postgres', (c) => c.query(`CREATE DATABASE "${target}"`));
		await withClient(server, target, (c) => c.query('CREATE TABLE precious (id int); INSERT INTO precious VALUES (1), (2)'));
		return target;
	}

	it.each(['plain', 'custom'] as const)('a %s dump is read from storage once, and restores whole', async (format) => {
		const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { format, compression: 'zstd' }));
		const target = uniqueName('once');
		targets.push(target);
		const { place, reads } = countingPlace(set.path);
		const result = await restorePostgres(options(place, target));
		expect(reads.get(set.artifacts[0].file)).toBe(1);
		expect(result.comparison.differences).toEqual([]);
		expect(await fingerprint(server, target)).toEqual(await fingerprint(server, source.name));
		expect(await exists(loadingDatabaseName(target))).toBe(false);
	});

	it.each([
		['plain', 'none'],
		// From the zstd program straight into psql: the COMMIT waits for the sha256.
		['plain', 'zstd'],
		['custom', 'none'],
		// Decompressed by the zstd program straight into the staged file: the sha256 is still checked on the way in.
		['custom', 'zstd'],
	] as const)(
		'a %s dump (%s) damaged at its very end leaves the existing database as it was: loaded beside it, rolled back, never over it',
		async (format, compression) => {
			const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { format, compression }));
			damageNearEnd(join(set.path, set.artifacts[0].file));
			const target = await existingTarget();
			const safetyRoot = join(tmp.path(), 'safety');
			mkdirSync(safetyRoot);
			await expect(restorePostgres(options(set.path, target, { confirmReplace: target, safetyRoot }))).rejects.toMatchObject({
				code: 'CHECKSUM_MISMATCH',
				message: expect.stringMatching(/sha256/),
				hint: expect.stringMatching(/Nothing was restored/),
			});
			expect(await rowsOf(target, 'precious')).toBe(2);
			expect(await exists(loadingDatabaseName(target))).toBe(false);
			// No safety backup was needed: the target was never touched.
			expect(readdirSync(safetyRoot)).toEqual([]);
		},
	);

	it('a loading database left by a killed restore is dropped, and the restore completes', async () => {
		const set = await backupPostgres(dumpOptions(tmp.path(), source, 'local', { format: 'plain', compression: 'zstd' }));
		const target = uniqueName('after-kill');
		targets.push(target);
		const leftover = loadingDatabaseName(target);
		await withClient(server, 'postgres', (c) => c.query(`CREATE DATABASE "${leftover}"`));
		await withClient(server, leftover, (c) => c.query('CREATE TABLE half_loaded (id int)'));
		await restorePostgres(options(set.path, target));
		expect(await fingerprint(server, target)).toEqual(await fingerprint(server, source.name));
		expect(await exists(leftover)).toBe(false);
	});

	it.each(['plain', 'custom'] as const)(
		'a passphrase-encrypted %s dump is opened once: its scrypt key is derived once, not once to check and once to load',
		async (format) => {
			const set = await backupPostgres(
				dumpOptions(tmp.path(), source, 'local', {
					format,
					compression: 'zstd',
					encryption: { passphrase: 'correct horse battery' },
				}),
			);
			const target = uniqueName('encrypted');
			targets.push(target);
			const decrypt = jest.spyOn(ageLibrary().Decrypter.prototype, 'decrypt');
			try {
				await restorePostgres(options(set.path, target, { keys: { passphrases: ['correct horse battery'] } }));
				expect(decrypt).toHaveBeenCalledTimes(1);
			} finally {
				decrypt.mockRestore();
			}
			expect(await fingerprint(server, target)).toEqual(await fingerprint(server, source.name));
		},
	);
});
