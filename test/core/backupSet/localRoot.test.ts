import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSets, pruneSets, reportSets, verifySet } from '../../../core';
import { localPath } from '../../../core/backupSet/localRoot';
import { BackupRun } from '../../../core/backupSet/backupRun';

// A root that looks like a URL is never taken for a folder name: "s3://bucket/prefix" used to
// become a local folder "s3:/bucket/prefix", and the user believed the backup was off-site.
describe('a URL is never a folder', () => {
	it.each(['s3://bucket/prefix', 'S3://bucket', 'https://example.test/backups', 'file:///backups', ' s3://x '])(
		'a field that takes a local path refuses %p',
		(url) => {
			expect(() => localPath(url, 'restoreTargets')).toThrow(
				expect.objectContaining({
					code: 'INVALID_INPUT',
					message: expect.stringMatching(/is a URL, not a folder/),
					details: { field: 'restoreTargets' },
				}),
			);
		},
	);

	it.each(['/backups', './backups', '~/.n8n-files/backups', 'C:\\backups', 'backups:2024', 'dir/s3://odd'])(
		'accepts the folder %p',
		(path) => {
			expect(localPath(path, 'root')).toBe(path);
		},
	);

	it('a bucket root without S3 keys, and a URL that is no bucket, are refused by backup, list, prune, report and verify; nothing is written', async () => {
		const cwd = process.cwd();
		const dir = mkdtempSync(join(tmpdir(), 'url-root-'));
		process.chdir(dir);
		try {
			const noKeys = { code: 'INVALID_INPUT', details: { field: 's3Credential' } };
			for (const root of ['s3://bucket/prefix', 'https://example.test/backups']) {
				const expected = root.startsWith('s3') ? noKeys : { code: 'INVALID_INPUT', message: expect.stringMatching(/cannot store to/) };
				await expect(BackupRun.start({ root, setName: 'n8n-postgres' })).rejects.toMatchObject(expected);
				await expect(listSets(root)).rejects.toMatchObject(expected);
				await expect(pruneSets({ root, setName: 'n8n-postgres', policy: { keepDaily: 7 } })).rejects.toMatchObject(expected);
				await expect(reportSets({ root, setNames: 'n8n-postgres' })).rejects.toMatchObject(expected);
				await expect(verifySet(`${root}/n8n-postgres`)).rejects.toMatchObject(expected);
			}
			expect(existsSync(join(dir, 's3:'))).toBe(false);
			expect(existsSync(join(dir, 'https:'))).toBe(false);
		} finally {
			process.chdir(cwd);
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
