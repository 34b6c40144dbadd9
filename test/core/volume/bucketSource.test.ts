import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupVolume, openPlace, readManifest, restoreVolume } from '../../../core';
import { runCli } from '../../support/runCli';
import { s3EnvVars, s3Settings, useTestBucket } from '../../support/s3Bucket';
import { useTempDir } from '../../support/tempDir';

// Seed systems keep files in a MinIO bucket; Volume Archive's bucket source archives every object
// under a prefix (key as path) and restores into a bucket, or a folder.
describe('a bucket as the source of a volume archive', () => {
	const tmp = useTempDir('bucket-source-');
	const source = useTestBucket();
	const objects: Record<string, Buffer> = {
		'binary-data/workflow-1/file.bin': randomBytes(300_000),
		'binary-data/workflow-2/a b/näme.txt': Buffer.from('unicode and spaces'),
		[`deep/${'x'.repeat(120)}/long-key.json`]: Buffer.from('{"long":"path, written as a pax header"}'),
		'empty.txt': Buffer.alloc(0),
	};
	beforeAll(async () => {
		for (const [key, body] of Object.entries(objects)) await source.put(`minio-data/${key}`, body);
		await source.put('elsewhere/not-archived.txt', 'outside the prefix');
	});
	const bucketPlace = (prefix: string) => openPlace(source.url(prefix), 'root', s3Settings());

	it('archives every object under the prefix with count, bytes and ETags in the manifest, and restores them into another prefix and a folder', async () => {
		const result = await backupVolume({
			root: join(tmp.path(), 'backups'),
			setName: 'minio',
			source: { type: 'bucket', place: bucketPlace('minio-data') },
			compression: 'zstd',
		});
		const bytes = Object.values(objects).reduce((n, b) => n + b.length, 0);
		expect(result.inventory.bucket).toMatchObject({
			url: source.url('minio-data'),
			objects: 4,
			bytes,
			etagsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
		});
		expect(Object.keys(result.inventory.bucket!.etags!).sort()).toEqual(Object.keys(objects).sort());
		expect(result.inventory).toMatchObject({ files: 4, bytes });
		const manifest = await readManifest(result.path);
		expect(JSON.stringify(manifest)).not.toContain(s3Settings().secretAccessKey);
		expect(manifest.sources.volume).toMatchObject({ type: 'bucket', url: source.url('minio-data') });

		const restored = await restoreVolume({ setPath: result.path, target: { type: 'bucket', place: bucketPlace('restored') } });
		expect(restored.target).toEqual({ type: 'bucket', url: source.url('restored') });
		for (const [key, body] of Object.entries(objects)) expect(Buffer.compare(await source.get(`restored/${key}`), body)).toBe(0);
		expect(await source.keys('restored/')).toHaveLength(4);

		const folder = join(tmp.path(), 'as-files');
		await restoreVolume({ setPath: result.path, target: { type: 'dir', path: folder } });
		expect(readFileSync(join(folder, 'binary-data/workflow-2/a b/näme.txt'), 'utf8')).toBe('unicode and spaces');
	});

	it('restoring into a bucket keeps existing objects unless told to overwrite', async () => {
		const result = await backupVolume({
			root: join(tmp.path(), 'backups'),
			setName: 'minio',
			source: { type: 'bucket', place: bucketPlace('minio-data') },
			compression: 'none',
		});
		await source.put('keep/empty.txt', 'newer content');
		await restoreVolume({ setPath: result.path, target: { type: 'bucket', place: bucketPlace('keep') } });
		expect((await source.get('keep/empty.txt')).toString()).toBe('newer content');
		await restoreVolume({ setPath: result.path, target: { type: 'bucket', place: bucketPlace('keep') }, overwrite: true });
		expect((await source.get('keep/empty.txt')).length).toBe(0);
	});

	it('the CLI: backup volume --bucket, restore --bucket, with only the AWS_* variables', async () => {
		const root = join(tmp.path(), 'cli-backups');
		const backup = await runCli(['backup', 'volume', '--root', root, '--set', 'minio', '--bucket', source.url('minio-data')], {
			env: s3EnvVars(),
		});
		expect(backup.code).toBe(0);
		expect(backup.json.inventory.bucket).toMatchObject({ objects: 4 });
		const restore = await runCli(['restore', backup.json.path, '--bucket', source.url('cli-restored')], { env: s3EnvVars() });
		expect(restore.code).toBe(0);
		expect(await source.keys('cli-restored/')).toHaveLength(4);
	});
});
