import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupFiles, backupVolume, readManifest, sha256File } from '../../../core';
import { encryptionKeyFingerprint } from '../../../core/volume/n8nDataAwareness';
import { useTempDir } from '../../support/tempDir';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DatabaseSync } = require('node:sqlite') as {
	DatabaseSync: new (p: string) => { exec(sql: string): void; prepare(sql: string): { get(): { n: number } }; close(): void };
};

describe('a live n8n SQLite database in a host folder', () => {
	const tmp = useTempDir();

	it('goes in as a consistent snapshot (SQLite backup API), never as raw files being written', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'n8n-home-'));
		const live = new DatabaseSync(join(dir, 'database.sqlite'));
		try {
			live.exec(`PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
				CREATE TABLE workflow_entity (id TEXT PRIMARY KEY, name TEXT);
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO workflow_entity SELECT 'wf' || i, 'Workflow ' || i FROM n;`);
			writeFileSync(join(dir, 'config'), JSON.stringify({ encryptionKey: 'k-123456' }));
			expect(statSync(join(dir, 'database.sqlite-wal')).size).toBeGreaterThan(0); // rows live only in the WAL so far

			const result = await backupVolume({ root: tmp.path(), setName: 'n8n-home', compression: 'gzip', source: { type: 'dir', path: dir } });
			expect(result.inventory.n8n).toMatchObject({
				sqlite: true,
				sqliteSnapshot: true,
				encryptionKeyFingerprint: encryptionKeyFingerprint('k-123456'),
			});

			const out = mkdtempSync(join(tmpdir(), 'n8n-restored-'));
			try {
				execFileSync('tar', ['-xzf', join(result.path, result.artifacts[0].file), '-C', out]);
				const listing = execFileSync('tar', ['-tzf', join(result.path, result.artifacts[0].file)], { encoding: 'utf8' });
				expect(listing).not.toMatch(/database\.sqlite-(wal|shm)/);
				const restored = new DatabaseSync(join(out, 'database.sqlite'));
				expect(restored.prepare('SELECT count(*) AS n FROM workflow_entity').get().n).toBe(500);
				restored.close();
			} finally {
				rmSync(out, { recursive: true, force: true });
			}
		} finally {
			live.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('config files (files mode)', () => {
	const tmp = useTempDir();
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'stack-config-'));
		writeFileSync(join(dir, '.env'), 'POSTGRES_PASSWORD=pg\nexport N8N_ENCRYPTION_KEY="super-secret-key"\n');
		writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  n8n:\n    image: n8nio/n8n\n');
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('stores each file 0600, lists it with size and sha256, and fingerprints the n8n key of an .env', async () => {
		const result = await backupFiles({
			root: tmp.path(),
			setName: 'config',
			compression: 'none',
			files: [join(dir, '.env'), join(dir, 'docker-compose.yml')],
		});
		const manifest = await readManifest(result.path);
		expect(result.inventory.files).toEqual([
			{ path: join(dir, '.env'), file: 'env', size: statSync(join(dir, '.env')).size, sha256: await sha256File(join(dir, '.env')) },
			{
				path: join(dir, 'docker-compose.yml'),
				file: 'docker-compose.yml',
				size: statSync(join(dir, 'docker-compose.yml')).size,
				sha256: await sha256File(join(dir, 'docker-compose.yml')),
			},
		]);
		for (const a of result.artifacts) expect(statSync(join(result.path, a.file)).mode & 0o777).toBe(0o600);
		expect(result.inventory.n8nEncryptionKeyFingerprint).toBe(encryptionKeyFingerprint('super-secret-key'));
		expect(JSON.stringify(manifest)).not.toContain('super-secret-key');
	});

	it('a missing file is an error unless marked optional', async () => {
		await expect(
			backupFiles({ root: tmp.path(), setName: 'config', compression: 'zstd', files: [join(dir, 'nginx.conf')] }),
		).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND', hint: expect.stringMatching(/optional/) });
		const result = await backupFiles({
			root: tmp.path(),
			setName: 'config',
			compression: 'zstd',
			files: [join(dir, '.env')],
			optional: [join(dir, 'nginx.conf')],
		});
		expect(result.inventory.missingOptional).toEqual([join(dir, 'nginx.conf')]);
		expect(result.warnings).toEqual([`${join(dir, 'nginx.conf')} is missing (optional)`]);
	});
});
