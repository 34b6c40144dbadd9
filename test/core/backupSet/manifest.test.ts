import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../../core';
import { MANIFEST_FORMAT, validateManifest } from '../../../core/backupSet/manifest';

const good = {
	format: MANIFEST_FORMAT,
	formatVersion: 1,
	set: 's',
	artifacts: [{ file: 'n8n.sql.zst', sha256: 'a'.repeat(64), size: 1, compression: 'zstd' }],
};

describe('manifest validation', () => {
	it('accepts a manifest this version wrote', () => {
		expect(validateManifest(good, 'm').set).toBe('s');
	});
	it.each(['../outside.sql', '/etc/passwd', 'sub/dir.sql', '.hidden'])(
		'refuses an artifact name that leaves the run folder: %s',
		(file) => {
			expect(() => validateManifest({ ...good, artifacts: [{ ...good.artifacts[0], file }] }, 'm')).toThrow(
				expect.objectContaining({ code: 'MANIFEST_INVALID' }),
			);
		},
	);
	it('refuses a newer format version with a hint to update', () => {
		expect(() => validateManifest({ ...good, formatVersion: 99 }, 'm')).toThrow(
			expect.objectContaining({ code: 'MANIFEST_INVALID', hint: expect.stringMatching(/Update/) }),
		);
	});
	it('refuses a manifest with an unknown compression (decompression is never guessed)', () => {
		expect(() => validateManifest({ ...good, artifacts: [{ ...good.artifacts[0], compression: 'brotli' }] }, 'm')).toThrow(/compression/);
	});
	it('reports a truncated or missing manifest as MANIFEST_INVALID', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
		try {
			await expect(readManifest(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringMatching(/incomplete/) });
			writeFileSync(join(dir, 'manifest.json'), JSON.stringify(good).slice(0, 40));
			await expect(readManifest(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringMatching(/truncated/) });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
