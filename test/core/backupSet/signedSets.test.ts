import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { runCli, type CliRun } from '../../support/runCli';
import { s3EnvVars, useTestBucket } from '../../support/s3Bucket';
import { uniqueName, useScratchDatabase, withClient } from '../../support/scratchDatabase';
import { fingerprint } from '../../support/dbFingerprint';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

// Signed sets (issue 15): whoever can write to a bucket can plant a set, and a planted plain
// dump restored by a superuser runs whatever it holds. The manifest lists every artifact's
// sha256 and is signed with Ed25519, so a reader with the public key refuses anything else.
const env = testEnv();
const bucket = useTestBucket();
const tmp = useTempDir('signed-sets-');
const pgUrl = (db: string) => `postgres://${env.hostPostgres.user}@${env.hostPostgres.host}:${env.hostPostgres.port}/${db}`;
const cliEnv = () => ({ ...s3EnvVars(), PGPASSWORD: env.hostPostgres.password });
const keyOf = (path: string) => `${path.slice(`s3://${bucket.name}/`.length)}`;

async function databaseExists(name: string): Promise<boolean> {
	const found = await withClient(env.hostPostgres, 'postgres', (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
	return found.rowCount === 1;
}

describe('signed sets', () => {
	const source = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	const restored = uniqueName('signed');
	afterAll(() => withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${restored}" WITH (FORCE)`)));
	let privateKey: string;
	let publicKey: string;
	let keyId: string;
	let signed: CliRun;
	let keyDir: string;
	afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

	beforeAll(async () => {
		// The key outlives each test's temp folder: it lives in one of its own.
		keyDir = mkdtempSync(join(tmpdir(), 'signing-key-'));
		privateKey = join(keyDir, 'signing.pem');
		const keygen = await runCli(['keygen', '--signing-key', privateKey]);
		expect(keygen.code).toBe(0);
		publicKey = `${privateKey}.pub`;
		keyId = keygen.json.keyId;
		signed = await runCli(
			[
				'backup',
				'postgres',
				'--root',
				bucket.url('signed'),
				'--set',
				'n8n-postgres',
				'--url',
				pgUrl(source.db().name),
				'--signing-key',
				privateKey,
			],
			{ env: cliEnv() },
		);
		expect(signed.code).toBe(0);
	});

	it('keygen writes the private key 0600, never over an existing file, and prints the public key', async () => {
		expect(statSync(privateKey).mode & 0o777).toBe(0o600);
		expect(keyId).toMatch(/^[0-9a-f]{16}$/);
		const again = await runCli(['keygen', '--signing-key', privateKey]);
		expect(again.code).not.toBe(0);
		expect(again.stderr).toContain('already exists');
	});

	it('a good signed set verifies and restores; the manifest names the key and holds no key material', async () => {
		const manifest = JSON.parse((await bucket.get(`${keyOf(signed.json.path)}/manifest.json`)).toString());
		expect(manifest.signature).toMatchObject({ algorithm: 'ed25519', keyId });
		expect(JSON.stringify(manifest)).not.toContain('PRIVATE KEY');
		expect(manifest).toMatchObject({ pid: expect.any(Number), lockToken: expect.stringMatching(/^[0-9a-f]+$/) });

		const verify = await runCli(['verify', signed.json.path, '--public-key', publicKey], { env: cliEnv() });
		expect(verify.json).toMatchObject({ verdict: 'pass', signedBy: keyId });
		const restore = await runCli(['restore', signed.json.path, '--url', pgUrl(restored), '--public-key', publicKey], { env: cliEnv() });
		expect(restore.code).toBe(0);
		expect(await fingerprint(env.hostPostgres, restored)).toEqual(await fingerprint(env.hostPostgres, source.db().name));
	});

	/** Copies the signed set to `prefix`, then lets `tamper` change its dump and manifest as an attacker would. */
	async function plantedCopy(prefix: string, tamper: (manifest: any, runKey: string) => Promise<void>): Promise<string> {
		const from = keyOf(signed.json.path);
		const runKey = `${prefix}/n8n-postgres/${from.split('/').pop()}`;
		const manifest = JSON.parse((await bucket.get(`${from}/manifest.json`)).toString());
		for (const { file } of manifest.artifacts) await bucket.put(`${runKey}/${file}`, await bucket.get(`${from}/${file}`));
		await tamper(manifest, runKey);
		await bucket.put(`${runKey}/manifest.json`, JSON.stringify(manifest, null, 2));
		return `s3://${bucket.name}/${runKey}`;
	}

	// The attacker's dump: SQL that a superuser would run (here only a harmless marker).
	async function replaceDump(manifest: any, runKey: string): Promise<void> {
		const planted = zstdCompressSync(Buffer.from('CREATE TABLE planted_by_attacker (x int);\n'));
		const artifact = manifest.artifacts[0];
		await bucket.put(`${runKey}/${artifact.file}`, planted);
		artifact.size = planted.length;
		artifact.sha256 = createHash('sha256').update(planted).digest('hex');
	}

	async function expectRefusedUntouched(setPath: string, problem: RegExp): Promise<void> {
		const verify = await runCli(['verify', setPath, '--public-key', publicKey], { env: cliEnv() });
		expect(verify.json.error).toMatchObject({ code: 'SET_SIGNATURE_INVALID', message: expect.stringMatching(problem) });
		const target = uniqueName('never');
		const restore = await runCli(['restore', setPath, '--url', pgUrl(target), '--public-key', publicKey], { env: cliEnv() });
		expect(restore.code).not.toBe(0);
		expect(restore.json.error).toMatchObject({ code: 'SET_SIGNATURE_INVALID', hint: expect.any(String) });
		expect(await databaseExists(target)).toBe(false);
	}

	it('a set whose dump was replaced and whose manifest sha256 was recomputed by the attacker is refused', async () => {
		const planted = await plantedCopy('recomputed', replaceDump);
		// The checksums alone are fooled: that is why the signature is needed.
		const unchecked = await runCli(['verify', planted], { env: cliEnv() });
		expect(unchecked.json).toMatchObject({ verdict: 'pass' });
		await expectRefusedUntouched(planted, /signature does not match/);
	});

	it('a signature from another key is refused', async () => {
		const attacker = generateKeyPairSync('ed25519');
		const planted = await plantedCopy('other-key', async (manifest, runKey) => {
			await replaceDump(manifest, runKey);
			delete manifest.signature;
			const value = sign(null, Buffer.from(JSON.stringify(manifest)), attacker.privateKey).toString('base64');
			manifest.signature = { algorithm: 'ed25519', keyId: '0123456789abcdef', value };
		});
		await expectRefusedUntouched(planted, /signed by key 0123456789abcdef, which is not trusted/);
		// Claiming our key id does not help: the signature does not verify with our key.
		const claimed = await plantedCopy('claimed-key', async (manifest, runKey) => {
			await replaceDump(manifest, runKey);
			delete manifest.signature;
			const value = sign(null, Buffer.from(JSON.stringify(manifest)), attacker.privateKey).toString('base64');
			manifest.signature = { algorithm: 'ed25519', keyId, value };
		});
		await expectRefusedUntouched(claimed, /signature does not match/);
	});

	it('an unsigned set is refused where a public key is configured', async () => {
		const planted = await plantedCopy('unsigned', async (manifest) => {
			delete manifest.signature;
		});
		await expectRefusedUntouched(planted, /not signed/);
	});

	it('a dump from a bucket with no public key configured needs --trust-unsigned, and says why', async () => {
		const target = uniqueName('unsigned');
		try {
			const refused = await runCli(['restore', signed.json.path, '--url', pgUrl(target)], { env: cliEnv() });
			expect(refused.json.error).toMatchObject({ code: 'SET_SIGNATURE_INVALID', hint: expect.stringContaining('planted') });
			expect(await databaseExists(target)).toBe(false);
			const trusted = await runCli(['restore', signed.json.path, '--url', pgUrl(target), '--trust-unsigned'], { env: cliEnv() });
			expect(trusted.code).toBe(0);
		} finally {
			await withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`));
		}
	});

	it('Offsite Copy with a public key copies signed runs only and reports the others', async () => {
		const local = join(tmp.path(), 'local-root');
		const unsigned = await runCli(['backup', 'postgres', '--root', local, '--set', 'pg', '--url', pgUrl(source.db().name)], {
			env: cliEnv(),
		});
		expect(unsigned.code).toBe(0);
		const good = await runCli(
			['backup', 'postgres', '--root', local, '--set', 'pg', '--url', pgUrl(source.db().name), '--signing-key', privateKey],
			{
				env: cliEnv(),
			},
		);
		expect(good.code).toBe(0);
		const copy = await runCli(['copy', '--from', local, '--to', bucket.url('offsite'), '--public-key', publicKey], { env: cliEnv() });
		expect(copy.code).toBe(1);
		expect(copy.json).toMatchObject({ copied: 1, failed: 1 });
		expect(copy.json.runs.find((r: any) => r.action === 'failed').error).toMatchObject({ code: 'SET_SIGNATURE_INVALID' });
		const copied = await bucket.keys('offsite/');
		expect(copied.some((k) => k.includes(good.json.path.split('/').pop()))).toBe(true);
		expect(copied.some((k) => k.includes(unsigned.json.path.split('/').pop()))).toBe(false);
	});

	it('a signing key that is not an Ed25519 private key is refused before anything is written', async () => {
		const rsa = join(tmp.path(), 'rsa.pem');
		writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
		const garbage = join(tmp.path(), 'garbage.pem');
		writeFileSync(garbage, 'not a key');
		for (const [file, problem] of [
			[rsa, /rsa key, not Ed25519/],
			[garbage, /not a private key/],
		] as const) {
			const run = await runCli(
				['backup', 'postgres', '--root', bucket.url('bad-key'), '--set', 'pg', '--url', pgUrl(source.db().name), '--signing-key', file],
				{
					env: cliEnv(),
				},
			);
			expect(run.json.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(problem) });
			expect(run.stderr).toContain('--signing-key');
			// The key's own text never reaches an error.
			expect(run.stderr).not.toContain(readFileSync(file, 'utf8').split('\n')[1] ?? 'not a key');
		}
		expect(await bucket.keys('bad-key/')).toEqual([]);
	});
});
