import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { childPlace, listSets, openPlace, pruneSets, verifySet, type Place } from '../../../core';
import { BackupRun, withBackupRun } from '../../../core/backupSet/backupRun';
import { PART_SIZE } from '../../../core/storage/s3Storage';
import { runCli } from '../../support/runCli';
import { rawClient, rcloneEnv, s3cmdConfig, s3EnvVars, s3Settings, useTestBucket } from '../../support/s3Bucket';
import { useScratchDatabase, withClient, uniqueName } from '../../support/scratchDatabase';
import { fingerprint } from '../../support/dbFingerprint';
import { writeSyntheticSet } from '../../support/syntheticSets';
import { useTempDir } from '../../support/tempDir';
import { failingAfter, writeOneArtifactSet } from '../../support/oneArtifactSet';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const bucket = useTestBucket();
const tmp = useTempDir('bucket-root-');
const pgUrl = (db: string) => `postgres://${env.hostPostgres.user}@${env.hostPostgres.host}:${env.hostPostgres.port}/${db}`;
const cliEnv = () => ({ ...s3EnvVars(), PGPASSWORD: env.hostPostgres.password });

describe('a bucket as the backup root, from the command line with only the AWS_* variables', () => {
	const source = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	const restored = uniqueName('restored');
	afterAll(() => withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${restored}" WITH (FORCE)`)));

	it('backs up, lists, verifies, drills and restores; the layout is <prefix>/<set>/<run>/<artifact> with the manifest, and no secret anywhere', async () => {
		const root = bucket.url('nightly');
		const backup = await runCli(['backup', 'postgres', '--root', root, '--set', 'n8n-postgres', '--url', pgUrl(source.db().name)], {
			env: cliEnv(),
		});
		expect(backup.stderr).not.toContain(env.s3.secretAccessKey);
		expect(backup.code).toBe(0);
		const run = backup.json.path as string;
		expect(run).toMatch(new RegExp(`^s3://${bucket.name}/nightly/n8n-postgres/\\d{4}-\\d{2}-\\d{2}T[\\d-]+\\.\\d{3}Z$`));
		const runKey = run.slice(`s3://${bucket.name}/`.length);
		const artifact = backup.json.artifacts[0].file as string;
		expect(artifact).toMatch(/\.sql\.zst$/);
		expect(await bucket.keys('nightly/')).toEqual([`${runKey}/manifest.json`, `${runKey}/${artifact}`, `${runKey}/workflows.json`].sort());
		const manifest = (await bucket.get(`${runKey}/manifest.json`)).toString();
		expect(manifest).not.toContain(env.s3.secretAccessKey);
		expect(manifest).not.toContain(env.s3.accessKeyId);
		expect(JSON.parse(manifest).artifacts[0]).toMatchObject({ partSize: PART_SIZE });

		const list = await runCli(['list', '--root', root, '--set', 'n8n-postgres'], { env: cliEnv() });
		expect(list.json[0]).toMatchObject({ complete: 1, incomplete: 0, runs: [{ path: run }] });
		const verify = await runCli(['verify', `${root}/n8n-postgres`], { env: cliEnv() });
		expect(verify.json).toMatchObject({ verdict: 'pass', path: run });
		const drill = await runCli(['verify', run, '--drill', '--url', pgUrl('postgres')], { env: cliEnv() });
		expect(drill.json).toMatchObject({ verdict: 'pass' });

		// Unsigned, from a bucket: the user says they trust it (signedSets.test.ts covers the refusal).
		const restore = await runCli(['restore', run, '--url', pgUrl(restored), '--trust-unsigned'], { env: cliEnv() });
		expect(restore.code).toBe(0);
		expect(await fingerprint(env.hostPostgres, restored)).toEqual(await fingerprint(env.hostPostgres, source.db().name));

		const workflows = await runCli(['list', 'workflows', run, '--json'], { env: cliEnv() });
		const id = workflows.json[0].id as string;
		const extracted = await runCli(['extract', 'workflow', run, '--id', id], { env: cliEnv() });
		expect(extracted.json).toMatchObject({ checksumMatches: true, workflow: { name: expect.stringContaining('(restored ') } });
	});

	it('one byte changed in a stored artifact: verify and restore refuse it before any target is touched', async () => {
		const root = bucket.url('damaged');
		const backup = await runCli(['backup', 'postgres', '--root', root, '--set', 'n8n-postgres', '--url', pgUrl(source.db().name)], {
			env: cliEnv(),
		});
		const key = `${(backup.json.path as string).slice(`s3://${bucket.name}/`.length)}/${backup.json.artifacts[0].file}`;
		const bytes = await bucket.get(key);
		bytes[Math.floor(bytes.length / 2)] ^= 0x01;
		await bucket.put(key, bytes);
		const verify = await runCli(['verify', backup.json.path], { env: cliEnv() });
		expect(verify.json.error).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
		const target = uniqueName('never');
		// Unsigned, it is refused for that first; trusted, for its damage, found in the pass that loads it.
		const unsigned = await runCli(['restore', backup.json.path, '--url', pgUrl(target)], { env: cliEnv() });
		expect(unsigned.json.error).toMatchObject({ code: 'SET_SIGNATURE_INVALID' });
		const restore = await runCli(['restore', backup.json.path, '--url', pgUrl(target), '--trust-unsigned'], { env: cliEnv() });
		expect(restore.json.error).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
		const exists = await withClient(env.hostPostgres, 'postgres', (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [target]));
		expect(exists.rowCount).toBe(0);
	});
});

describe('a custom-format dump in a bucket, restored with pg_restore --jobs', () => {
	const source = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	const target = uniqueName('custom_restored');
	afterAll(() => withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`)));

	it('is staged in the temp folder after a free-space check (refused on a 1 MiB one), then restored; the staged file is gone after', async () => {
		const root = bucket.url('custom');
		const backup = await runCli(
			['backup', 'postgres', '--root', root, '--set', 'n8n-postgres', '--format', 'custom', '--url', pgUrl(source.db().name)],
			{
				env: cliEnv(),
			},
		);
		expect(backup.code).toBe(0);
		const small = join(tmp.path(), 'small-tmp');
		mkdirSync(small);
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
		try {
			const refused = await runCli(['restore', backup.json.path, '--url', pgUrl(target), '--jobs', '2', '--trust-unsigned'], {
				env: { ...cliEnv(), TMPDIR: small },
			});
			expect(refused.json.error).toMatchObject({ code: 'INSUFFICIENT_SPACE', message: expect.stringContaining(small) });
		} finally {
			execFileSync('umount', [small]);
		}
		const staging = join(tmp.path(), 'staging');
		mkdirSync(staging);
		const restored = await runCli(['restore', backup.json.path, '--url', pgUrl(target), '--jobs', '2', '--trust-unsigned'], {
			env: { ...cliEnv(), TMPDIR: staging },
		});
		expect(restored.code).toBe(0);
		expect(await fingerprint(env.hostPostgres, target)).toEqual(await fingerprint(env.hostPostgres, source.db().name));
		expect(require('node:fs').readdirSync(staging)).toEqual([]);
	});
});

describe('what a failed run leaves in a bucket', () => {
	it('a run whose source fails after more than one part: no object, no unfinished upload, no lock; the next run succeeds', async () => {
		const root = bucket.place('failing');
		const failing = failingAfter(PART_SIZE * 1.5, 'pg_dump died');
		await expect(
			withBackupRun({ root, setName: 'n8n-postgres' }, async (run) => {
				await run.writeArtifact({ baseName: 'dump.sql', kind: 'postgres', format: 'plain', compression: 'none', source: failing });
			}),
		).rejects.toThrow(/pg_dump died/);
		expect(await bucket.keys('failing/')).toEqual([]);
		expect(await bucket.unfinishedUploads()).toEqual([]);
		await writeOneArtifactSet(root, 'n8n-postgres', 'ok');
		expect((await listSets(root, 'n8n-postgres'))[0]).toMatchObject({ complete: 1, incomplete: 0 });
	});

	it('a second run of the same set while one holds the lock fails with BACKUP_LOCKED naming the holder', async () => {
		const root = bucket.place('overlap');
		const first = await BackupRun.start({ root, setName: 'n8n-postgres', runId: 'nightly-1' });
		try {
			await expect(BackupRun.start({ root, setName: 'n8n-postgres', runId: 'run-now' })).rejects.toMatchObject({
				code: 'BACKUP_LOCKED',
				message: expect.stringContaining('run nightly-1'),
			});
		} finally {
			await first.finish();
		}
	});
});

// Retention on a bucket: the rules and the safety of a folder, with the objects of others around.
describe('retention on a bucket', () => {
	const day = (d: number) => new Date(Date.UTC(2026, 10, d, 2, 0, 0));
	let local: string;
	let before: string[];
	beforeAll(async () => {
		// Sets are made on disk and copied up with rclone, as a user moving sets off-site would.
		local = join(require('node:os').tmpdir(), uniqueName('retention-src'));
		for (let d = 1; d <= 10; d++) writeSyntheticSet(join(local, 'site'), 'n8n-postgres', day(d));
		writeSyntheticSet(join(local, 'site'), 'n8n-postgres', day(11), { complete: false });
		for (let d = 1; d <= 3; d++) writeSyntheticSet(join(local, 'site'), 'n8n-redis', day(d));
		for (let d = 1; d <= 3; d++) writeSyntheticSet(join(local, 'other-prefix'), 'n8n-postgres', day(d));
		mkdirSync(join(local, 'site', 'n8n-postgres', 'notes'), { recursive: true });
		writeFileSync(join(local, 'site', 'n8n-postgres', 'notes', 'README.txt'), 'foreign, under the set prefix');
		writeFileSync(join(local, 'site', 'n8n-postgres', 'foreign.txt'), 'foreign, a file in the set prefix');
		// rclone's environment is rcloneEnv() alone: Debian's rclone 1.60 fails when AWS_CA_BUNDLE is set.
		execFileSync('rclone', ['copy', local, `test:${bucket.name}/ret`], { env: rcloneEnv(), stdio: 'pipe' });
		before = await bucket.keys('ret/');
	});

	it('sets that rclone copied into the bucket are listed and verified', async () => {
		const [listing] = await listSets(bucket.place('ret/site'), 'n8n-postgres');
		expect(listing).toMatchObject({ complete: 10, incomplete: 1 });
		await verifySet(childPlace(bucket.place('ret/site'), 'n8n-postgres'));
	});

	it('deletes only complete sets of this set name under this prefix; other prefixes, other sets and foreign objects stay; the newest is kept; a young incomplete run waits for its grace period', async () => {
		const result = await pruneSets({ root: bucket.place('ret/site'), setName: 'n8n-postgres', policy: { keepLast: 3 }, now: day(11) });
		expect(result.kept).toBe(3);
		expect(result.sets[0]).toMatchObject({ verdict: 'keep', reasons: expect.arrayContaining(['newest complete set (always kept)']) });
		expect(result.incomplete).toEqual([expect.objectContaining({ action: 'kept' })]);
		expect(result.ignored.map((i) => i.name).sort()).toEqual(['foreign.txt', 'notes']);
		const after = await bucket.keys('ret/');
		const gone = before.filter((k) => !after.includes(k));
		expect(gone.length).toBe(7 * 2);
		for (const key of gone) expect(key).toMatch(/^ret\/site\/n8n-postgres\/2026-11-0[1-7]T/);
		for (const kept of ['ret/site/n8n-postgres/foreign.txt', 'ret/site/n8n-postgres/notes/README.txt']) expect(after).toContain(kept);
		expect(after.filter((k) => k.startsWith('ret/other-prefix/'))).toHaveLength(6);
		expect(after.filter((k) => k.startsWith('ret/site/n8n-redis/'))).toHaveLength(6);
	});

	it('an incomplete run and a multipart upload never completed are removed only after the grace period', async () => {
		const client = rawClient();
		const { CreateMultipartUploadCommand } = await import('@aws-sdk/client-s3');
		await client.send(
			new CreateMultipartUploadCommand({ Bucket: bucket.name, Key: 'ret/site/n8n-postgres/2026-11-12T02-00-00.000Z/dump.sql' }),
		);
		// A day after the incomplete run began (its grace is 24 h), and a minute after the upload began.
		const young = await pruneSets({
			root: bucket.place('ret/site'),
			setName: 'n8n-postgres',
			policy: { keepLast: 3 },
			now: new Date(Date.UTC(2026, 10, 12, 1, 0, 0)),
		});
		expect(young.incomplete).toEqual([expect.objectContaining({ action: 'kept' })]);
		const now = await pruneSets({ root: bucket.place('ret/site'), setName: 'n8n-postgres', policy: { keepLast: 3 }, now: new Date() });
		expect(now.incomplete).toEqual([expect.objectContaining({ action: 'deleted' })]);
		expect(now.abortedUploads).toEqual([]);
		expect(await bucket.unfinishedUploads()).toHaveLength(1);
		const later = new Date(Date.now() + 25 * 3_600_000);
		const old = await pruneSets({ root: bucket.place('ret/site'), setName: 'n8n-postgres', policy: { keepLast: 3 }, now: later });
		expect(old.abortedUploads).toHaveLength(1);
		expect(await bucket.unfinishedUploads()).toEqual([]);
		client.destroy();
	});

	it('s3cmd reads every object we write', async () => {
		const root = bucket.place('interop');
		await writeOneArtifactSet(root, 'files', 'hello from a set', { compression: 'gzip' });
		const config = s3cmdConfig(join(tmp.path(), 's3cfg'));
		const out = join(tmp.path(), 'down');
		execFileSync('s3cmd', ['-c', config, 'sync', `s3://${bucket.name}/interop/`, `${out}/`], { stdio: 'pipe' });
		const [run] = await listSets(root, 'files').then((l) => l[0].runs!);
		const local = join(out, 'files', run.run);
		expect(JSON.parse(readFileSync(join(local, 'manifest.json'), 'utf8')).set).toBe('files');
		await verifySet(local);
	});
});

describe('bad S3 settings each get their code, and no secret in the error', () => {
	it.each([
		['S3_AUTH_FAILED', 'wrong keys', { secretAccessKey: 'not-the-secret-0000' }, 'good'],
		['S3_BUCKET_NOT_FOUND', 'a missing bucket', {}, 'missing'],
		['S3_UNREACHABLE', 'a wrong endpoint', { endpoint: 'http://127.0.0.1:1' }, 'good'],
	] as const)('%s for %s', async (code, _what, overrides, which) => {
		const place: Place = openPlace(which === 'good' ? bucket.url('bad') : 's3://no-such-bucket-here/x', 'root', s3Settings(overrides));
		const error = await BackupRun.start({ root: place, setName: 'n8n-postgres' }).then(
			() => null,
			(e: Error) => e,
		);
		expect(error).toMatchObject({ code });
		expect(JSON.stringify({ ...error, message: error!.message })).not.toContain(env.s3.secretAccessKey);
		expect(error!.message).not.toContain('not-the-secret');
	});

	it('a put refused for a bad Content-MD5 never counts: the server checks what we send', async () => {
		// Our requests carry Content-MD5; this proves the server enforces it, so damage in transit is refused.
		await expect(
			rawClient().send(new PutObjectCommand({ Bucket: bucket.name, Key: 'md5', Body: 'abc', ContentMD5: 'AAAAAAAAAAAAAAAAAAAAAA==' })),
		).rejects.toMatchObject({ name: 'BadDigest' });
	});
});
