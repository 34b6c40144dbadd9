import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupFiles, restoreFiles } from '../../../core';
import { useTempDir } from '../../support/tempDir';

describe('an artifact must decompress to exactly the bytes its manifest recorded', () => {
	const tmp = useTempDir();

	it.each(['zstd', 'gzip', 'none'] as const)(
		'%s: a read that comes out one byte short or long fails with CHECKSUM_MISMATCH and restores nothing',
		async (compression) => {
			const file = join(tmp.path(), 'app.env');
			writeFileSync(file, 'N8N_HOST=example.org\n'.repeat(10_000));
			const set = await backupFiles({ root: join(tmp.path(), 'root'), setName: 'config', files: [file], compression });
			const target = join(tmp.path(), 'restored');
			await restoreFiles({ setPath: set.path, dir: target });
			expect(readFileSync(join(target, 'app.env'), 'utf8')).toBe(readFileSync(file, 'utf8'));

			for (const delta of [1, -1]) {
				const manifestPath = join(set.path, 'manifest.json');
				const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
				manifest.artifacts[0].rawSize += delta;
				writeFileSync(manifestPath, JSON.stringify(manifest));
				const elsewhere = join(tmp.path(), `restored${delta}`);
				await expect(restoreFiles({ setPath: set.path, dir: elsewhere })).rejects.toMatchObject({
					code: 'CHECKSUM_MISMATCH',
					message: expect.stringMatching(/decompressed to \d+ bytes; its manifest says \d+/),
				});
				expect(existsSync(elsewhere) ? readdirSync(elsewhere) : []).toEqual([]);
				manifest.artifacts[0].rawSize -= delta;
				writeFileSync(manifestPath, JSON.stringify(manifest));
			}
		},
	);
});
