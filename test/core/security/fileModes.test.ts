import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { backupPostgres } from '../../../core';
import { dumpOptions } from '../../support/backupOptions';
import { createScratchDatabase } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('security: set files are 0600 and folders 0700 whatever the umask', () => {
	const tmp = useTempDir();

	it.each([0o000, 0o022, 0o277])('umask %o', async (umask) => {
		const db = await createScratchDatabase(testEnv().hostPostgres);
		const previous = process.umask(umask);
		try {
			const result = await backupPostgres(dumpOptions(join(tmp.path(), 'root'), db, 'local', { compression: 'gzip' }));
			expect(mode(join(tmp.path(), 'root', 'n8n-db'))).toBe(0o700);
			expect(mode(result.path)).toBe(0o700);
			const files = readdirSync(result.path);
			expect(files.sort()).toEqual([result.artifacts[0].file, 'manifest.json'].sort());
			for (const f of files) expect(mode(join(result.path, f))).toBe(0o600);
		} finally {
			process.umask(previous);
			await db.drop();
		}
	});
});
