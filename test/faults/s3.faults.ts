import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { listSets, openPlace, pruneSets } from '../../core';
import { withBackupRun } from '../../core/backupSet/backupRun';
import { runCli, spawnCli } from '../support/runCli';
import { s3EnvVars, s3Settings, useTestBucket } from '../support/s3Bucket';
import type { ScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';
import { until } from '../support/until';
import { bulkyDatabase } from './support/faultData';
import { injectFault, tryBadInput } from './support/ledger';

const env = testEnv();
const MIB = 1024 * 1024;
const rgwPid = () => Number(readFileSync(join(dirname(env.s3.cephConf), 'run', 'client.rgw.stack.pid'), 'utf8'));
const startRgw = () => execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 's3-testenv.sh'), 'start'], { stdio: 'pipe' });

/** About `mib` MiB of bytes that do not compress, produced as fast as they are read. */
function incompressible(mib: number): Readable {
	let sent = 0;
	let seed = 1;
	return new Readable({
		read() {
			if (sent >= mib * MIB) return void this.push(null);
			const chunk = Buffer.allocUnsafe(MIB);
			for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((seed = (seed * 1103515245 + 12345) >>> 0), i);
			sent += MIB;
			this.push(chunk);
		},
	});
}

describe('S3 faults: the server killed, frozen or full mid-upload, our process killed', () => {
	const bucket = useTestBucket();
	let db: ScratchDatabase;
	beforeAll(async () => {
		db = await bulkyDatabase(env.hostPostgres, 120);
	});
	afterAll(async () => {
		try {
			process.kill(rgwPid(), 'SIGCONT');
		} catch {
			// not stopped
		}
		startRgw();
		await db?.drop();
	});
	const backupArgs = (prefix: string) => [
		'backup',
		'postgres',
		'--root',
		bucket.url(prefix),
		'--set',
		'n8n-postgres',
		'--url',
		`postgres://${env.hostPostgres.user}@127.0.0.1:${env.hostPostgres.port}/${db.name}`,
		'--compression',
		'none',
	];
	const cliEnv = (extra: Record<string, string> = {}) => ({ ...s3EnvVars(), PGPASSWORD: env.hostPostgres.password, ...extra });
	const uploadUnderWay = (prefix: string) =>
		until(`a multipart upload under way in ${prefix}/`, async () => {
			if (!(await bucket.unfinishedUploads()).some((u) => u.key.startsWith(`${prefix}/`))) throw new Error('no upload yet');
		});
	const completeSets = async (prefix: string) => (await listSets(bucket.place(prefix)).catch(() => [])).reduce((n, s) => n + s.complete, 0);

	// First, while the bucket is empty: the quota leaves room for the lock, not for the upload.
	it('a bucket quota that fills up mid-upload: S3_QUOTA_EXCEEDED, nothing kept', async () => {
		const quota = openPlace(bucket.url('quota'), 'root', s3Settings());
		await tryBadInput('S3 bucket quota full mid-upload', async () => {
			bucket.setQuota(40 * MIB);
			try {
				const error = await withBackupRun({ root: quota, setName: 'n8n-postgres' }, async (run) => {
					await run.writeArtifact({ baseName: 'big.bin', kind: 'files', format: 'file', compression: 'none', source: incompressible(96) });
					await run.seal({ sources: {}, inventory: {}, warnings: [] });
				}).then(
					() => null,
					(e: Error) => e,
				);
				expect(error).toMatchObject({
					code: 'S3_QUOTA_EXCEEDED',
					message: expect.stringContaining('while uploading'),
					hint: expect.stringMatching(/quota/),
				});
			} finally {
				bucket.setQuota(-1);
			}
			expect(await bucket.keys('quota/')).toEqual([]);
			expect((await bucket.unfinishedUploads()).filter((u) => u.key.startsWith('quota/'))).toEqual([]);
		});
	});

	it('the server killed mid-upload: a clear error within a minute, no complete set, and the next run succeeds', async () => {
		let run: Awaited<ReturnType<typeof runCli>> | undefined;
		await injectFault(
			'S3 server killed mid-upload',
			async () => {
				const cli = spawnCli(backupArgs('killed'), { env: cliEnv() });
				await uploadUnderWay('killed');
				process.kill(rgwPid(), 'SIGKILL');
				const began = Date.now();
				run = await cli.done;
				expect(Date.now() - began).toBeLessThan(60_000);
				startRgw();
			},
			async () => {
				expect(run!.code).toBe(1);
				expect(run!.json.error.code).toMatch(/^S3_(UNREACHABLE|FAILED)$/);
				expect(await completeSets('killed')).toBe(0);
				const next = await runCli(backupArgs('killed'), { env: cliEnv() });
				expect(next.code).toBe(0);
				expect(await completeSets('killed')).toBe(1);
			},
		);
	});

	it('the server frozen (SIGSTOP) mid-upload: S3_TIMEOUT within the set time, never a hang; no complete set; the next run succeeds', async () => {
		let run: Awaited<ReturnType<typeof runCli>> | undefined;
		let tookMs = 0;
		await injectFault(
			'S3 server frozen mid-upload',
			async () => {
				const cli = spawnCli(backupArgs('frozen'), { env: cliEnv({ STACK_BACKUP_S3_TIMEOUT_SECONDS: '4' }) });
				await uploadUnderWay('frozen');
				process.kill(rgwPid(), 'SIGSTOP');
				const began = Date.now();
				try {
					run = await cli.done;
					tookMs = Date.now() - began;
				} finally {
					process.kill(rgwPid(), 'SIGCONT');
				}
			},
			async () => {
				expect(run!.code).toBe(1);
				expect(run!.json.error).toMatchObject({ code: 'S3_TIMEOUT', message: expect.stringContaining('stopped answering') });
				// Each request is limited to 4 s; retries, the abort and the cleanup are bounded by the same limit.
				expect(tookMs).toBeLessThan(120_000);
				expect(await completeSets('frozen')).toBe(0);
				const next = await runCli(backupArgs('frozen'), { env: cliEnv() });
				expect(next.code).toBe(0);
				expect(await completeSets('frozen')).toBe(1);
			},
		);
	});

	it('our process killed with -9 mid-upload: nothing visible as complete; prune removes the unfinished upload after the grace period', async () => {
		await injectFault(
			'our process killed -9 mid-upload to S3',
			async () => {
				const cli = spawnCli(backupArgs('sigkill'), { env: cliEnv() });
				await uploadUnderWay('sigkill');
				cli.child.kill('SIGKILL');
				await cli.done;
			},
			async () => {
				expect(await completeSets('sigkill')).toBe(0);
				const root = bucket.place('sigkill');
				const waiting = await pruneSets({ root, setName: 'n8n-postgres', policy: { keepLast: 3 } });
				expect(waiting.abortedUploads).toEqual([]);
				expect((await bucket.unfinishedUploads()).filter((u) => u.key.startsWith('sigkill/'))).toHaveLength(1);
				const later = await pruneSets({
					root,
					setName: 'n8n-postgres',
					policy: { keepLast: 3 },
					now: new Date(Date.now() + 25 * 3_600_000),
				});
				expect(later.abortedUploads).toHaveLength(1);
				expect((await bucket.unfinishedUploads()).filter((u) => u.key.startsWith('sigkill/'))).toEqual([]);
				// The killed run's lock does not block the next run on this host: its process is gone.
				const next = await runCli(backupArgs('sigkill'), { env: cliEnv() });
				expect(next.code).toBe(0);
			},
		);
	});
});

// The bad S3 inputs of the issue, each refused with its code, no secret in the error, and nothing
// written: counted in the ledger like the other bad inputs.
describe('bad S3 inputs are refused with their code, and nothing is written', () => {
	const bucket = useTestBucket();
	const secret = env.s3.secretAccessKey;
	const backupTo = (root: string, extra: Record<string, string> = {}) =>
		runCli(['backup', 'files', '--root', root, '--set', 'config', '--file', __filename], { env: { ...s3EnvVars(), ...extra } });
	const refusedWith = (code: string, run: Awaited<ReturnType<typeof runCli>>) => {
		expect(run.code).not.toBe(0);
		expect(run.json.error).toMatchObject({ code });
		expect(run.stdout + run.stderr).not.toContain(secret);
	};

	it.each([
		['wrong keys', 'S3_AUTH_FAILED', () => backupTo(bucket.url('bad'), { AWS_SECRET_ACCESS_KEY: 'not-the-secret-0000000000' })],
		['a missing bucket', 'S3_BUCKET_NOT_FOUND', () => backupTo('s3://no-such-bucket-anywhere/x')],
		['a wrong endpoint', 'S3_UNREACHABLE', () => backupTo(bucket.url('bad'), { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' })],
		['no keys at all', 'INVALID_INPUT', () => runCli(['list', '--root', bucket.url('bad')])],
	] as const)('%s: %s', async (what, code, attempt) => {
		await tryBadInput(`S3 ${what}`, async () => {
			refusedWith(code, await attempt());
			expect(await bucket.keys('bad/')).toEqual([]);
		});
	});

	it('one byte changed in a stored artifact: verify and restore refuse it', async () => {
		const made = await backupTo(bucket.url('damaged'));
		expect(made.code).toBe(0);
		const key = `${(made.json.path as string).slice(`s3://${bucket.name}/`.length)}/${made.json.artifacts[0].file}`;
		const bytes = await bucket.get(key);
		bytes[0] ^= 0xff;
		await bucket.put(key, bytes);
		await tryBadInput('S3 artifact with one byte changed', async () => {
			refusedWith('CHECKSUM_MISMATCH', await runCli(['verify', made.json.path], { env: s3EnvVars() }));
			const restoreDir = `/tmp/s3-damaged-restore-${process.pid}`;
			refusedWith('CHECKSUM_MISMATCH', await runCli(['restore', made.json.path, '--dir', restoreDir], { env: s3EnvVars() }));
			expect(require('node:fs').existsSync(restoreDir)).toBe(false);
		});
	});
});
