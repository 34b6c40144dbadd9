import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertAllCopied, copySets, listSets, verifySet } from '../../../core';
import { OffsiteCopy } from '../../../nodes/OffsiteCopy/OffsiteCopy.node';
import { runNode } from '../../support/n8nNodeHarness';
import { runCli } from '../../support/runCli';
import { s3EnvVars, s3Settings, useTestBucket } from '../../support/s3Bucket';
import { writeSyntheticSet } from '../../support/syntheticSets';
import { useTempDir } from '../../support/tempDir';

const day = (d: number) => new Date(Date.UTC(2026, 10, d, 2, 0, 0));

describe('copying sets off-site and back', () => {
	const tmp = useTempDir('copy-');
	const bucket = useTestBucket();
	let n = 0;
	const prefix = () => `copy-${++n}`;
	const localSets = () => {
		const root = join(tmp.path(), 'backups');
		for (let d = 1; d <= 3; d++) writeSyntheticSet(root, 'n8n-postgres', day(d));
		writeSyntheticSet(root, 'n8n-postgres', day(4), { complete: false });
		writeSyntheticSet(root, 'n8n-redis', day(3), { artifact: { file: 'dump.rdb', kind: 'redis', format: 'rdb', content: 'REDIS0011' } });
		return root;
	};

	it('copies every complete set newest first, manifests last, skips what is there, and copies back for a local restore', async () => {
		const root = localSets();
		const to = bucket.place(prefix());
		const first = await copySets({ from: root, to });
		expect(first.runs.map((r) => [r.set, r.run.slice(0, 10), r.action])).toEqual([
			['n8n-postgres', '2026-11-03', 'copied'],
			['n8n-postgres', '2026-11-02', 'copied'],
			['n8n-postgres', '2026-11-01', 'copied'],
			['n8n-redis', '2026-11-03', 'copied'],
		]);
		const keys = await bucket.keys(`${to.key}/`);
		// The crashed run is not a set: it is never copied.
		expect(keys.filter((k) => k.includes('2026-11-04'))).toEqual([]);
		expect(keys.filter((k) => k.endsWith('manifest.json'))).toHaveLength(4);
		expect(await listSets(to)).toMatchObject([
			{ set: 'n8n-postgres', complete: 3, incomplete: 0 },
			{ set: 'n8n-redis', complete: 1 },
		]);

		const again = await copySets({ from: root, to, setNames: 'n8n-postgres' });
		expect(again).toMatchObject({ copied: 0, skipped: 3, failed: 0 });

		const back = join(tmp.path(), 'restored-root');
		const returned = await copySets({ from: to, to: back });
		expect(returned.copied).toBe(4);
		await verifySet(join(back, 'n8n-postgres'));
		expect(readFileSync(join(back, 'n8n-redis', returned.runs[3].run, 'dump.rdb'), 'utf8')).toBe('REDIS0011');
	});

	it('a source artifact changed after its backup is not copied (nothing arrives under its name), the others are, and the run fails', async () => {
		const root = localSets();
		const [damaged] = (await listSets(root, 'n8n-postgres'))[0].runs!;
		writeFileSync(join(damaged.path, 'n8n.sql'), 'tampered');
		const to = bucket.place(prefix());
		const result = await copySets({ from: root, to });
		expect(result.runs.find((r) => r.run === damaged.run)).toMatchObject({ action: 'failed', error: { code: 'CHECKSUM_MISMATCH' } });
		expect(result.copied).toBe(3);
		expect(await bucket.keys(`${to.key}/n8n-postgres/${damaged.run}/`)).toEqual([]);
		expect(() => assertAllCopied(result)).toThrow(expect.objectContaining({ code: 'CHECKSUM_MISMATCH' }));
	});

	it('a run already in the target with another manifest is never overwritten', async () => {
		const root = localSets();
		const to = bucket.place(prefix());
		await copySets({ from: root, to, setNames: 'n8n-redis' });
		const [run] = (await listSets(to, 'n8n-redis'))[0].runs!;
		const key = `${to.key}/n8n-redis/${run.run}/manifest.json`;
		const theirs = JSON.stringify({ ...JSON.parse((await bucket.get(key)).toString()), host: 'elsewhere' });
		await bucket.put(key, theirs);
		const result = await copySets({ from: root, to, setNames: 'n8n-redis' });
		expect(result.runs[0]).toMatchObject({ action: 'failed' });
		expect((await bucket.get(key)).toString()).toBe(theirs);
	});

	it('the CLI copies with only the AWS_* variables, and exits 1 when a run could not be copied', async () => {
		const root = localSets();
		const ok = await runCli(['copy', '--from', root, '--to', bucket.url(prefix())], { env: s3EnvVars() });
		expect(ok.code).toBe(0);
		expect(ok.json).toMatchObject({ copied: 4, failed: 0 });
		const [newest] = (await listSets(root, 'n8n-postgres'))[0].runs!;
		writeFileSync(join(newest.path, 'n8n.sql'), 'tampered');
		const bad = await runCli(['copy', '--from', root, '--to', bucket.url(prefix())], { env: s3EnvVars() });
		expect(bad.code).toBe(1);
		expect(bad.json).toMatchObject({ copied: 3, failed: 1 });
	});

	it('the Offsite Copy node sends a folder to the bucket, and stops the workflow when a run fails', async () => {
		const root = localSets();
		const { endpoint, region, accessKeyId, secretAccessKey } = s3Settings();
		const credentials = { stackBackupS3Api: { endpoint: endpoint!, region: region!, accessKeyId, secretAccessKey, forcePathStyle: true } };
		const bucketRoot = bucket.url(prefix());
		const [out] = await runNode(new OffsiteCopy(), {
			parameters: { direction: 'toBucket', backupRoot: root, bucketRoot, setNames: '' },
			credentials,
		});
		expect(out[0].json).toMatchObject({ copied: 4, failed: 0, to: bucketRoot });
		const [newest] = (await listSets(root, 'n8n-redis'))[0].runs!;
		writeFileSync(join(newest.path, 'dump.rdb'), 'tampered');
		const error = await runNode(new OffsiteCopy(), {
			parameters: { direction: 'toBucket', backupRoot: root, bucketRoot: bucket.url(prefix()), setNames: 'n8n-redis' },
			credentials,
		}).catch((e: Error) => e);
		expect(error).toMatchObject({ message: expect.stringMatching(/1 run\(s\) were not copied/) });
	});
});
