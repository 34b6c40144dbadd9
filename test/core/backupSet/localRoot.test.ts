import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSets, pruneSets, reportSets, verifySet } from '../../../core';
import { localPath } from '../../../core/backupSet/localRoot';
import { BackupRun } from '../../../core/backupSet/backupRun';

// A root that looks like a URL is never taken for a folder name: "s3://bucket/prefix" used to
// become a local folder "s3:/bucket/prefix", and the user believed the backup was off-site.
describe('a URL is never a folder', () => {
	it.each(['s3://bucket/prefix', 'S3://bucket', 'https://example.test/backups', 'file:///backups', ' s3://x '])('refuses %p', (url) => {
		expect(() => localPath(url, 'root')).toThrow(
			expect.objectContaining({
				code: 'INVALID_INPUT',
				message: expect.stringMatching(/is a URL, not a folder/),
				details: { field: 'root' },
			}),
		);
	});

	it.each(['/backups', './backups', '~/.n8n-files/backups', 'C:\\backups', 'backups:2024', 'dir/s3://odd'])(
		'accepts the folder %p',
		(path) => {
			expect(localPath(path, 'root')).toBe(path);
		},
	);

	it('backup, list, prune, report and verify all refuse it, and nothing is written', async () => {
		const cwd = process.cwd();
		const dir = mkdtempSync(join(tmpdir(), 'url-root-'));
		process.chdir(dir);
		try {
			const root = 's3://bucket/prefix';
			await expect(BackupRun.start({ root, setName: 'n8n-postgres' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
			await expect(listSets(root)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
			await expect(pruneSets({ root, setName: 'n8n-postgres', policy: { keepDaily: 7 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
			await expect(reportSets({ root, setNames: 'n8n-postgres' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
			await expect(verifySet(`${root}/n8n-postgres`)).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'setFolder' } });
			expect(existsSync(join(dir, 's3:'))).toBe(false);
		} finally {
			process.chdir(cwd);
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
