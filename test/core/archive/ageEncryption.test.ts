import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	backupPostgres,
	backupVolume,
	readManifest,
	recipientFingerprint,
	restorePostgres,
	restoreVolume,
	runRestoreDrill,
	sha256File,
	verifySet,
	type VolumeBackupResult,
} from '../../../core';
import { ageDecrypt, ageEncryptTo, ageKeygen, ageWithPassphrase, type AgeKeyPair } from '../../support/ageCli';
import { fingerprint } from '../../support/dbFingerprint';
import { useScratchDatabase, uniqueName, withClient } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';
import { describeTree, makeTree } from '../../support/volumeFixtures';

const PASSPHRASE = 'tangible-orbit-velvet-42';

describe('encryption at rest (age)', () => {
	const tmp = useTempDir();
	let tree: string;
	let alice: AgeKeyPair;
	let bob: AgeKeyPair;
	let mallory: AgeKeyPair;

	beforeEach(() => {
		tree = makeTree();
		const keys = join(tmp.path(), 'keys');
		mkdirSync(keys);
		alice = ageKeygen(keys, 'alice');
		bob = ageKeygen(keys, 'bob');
		mallory = ageKeygen(keys, 'mallory');
	});
	afterEach(() => rmSync(tree, { recursive: true, force: true }));

	const root = () => join(tmp.path(), 'backups');
	const target = () => join(tmp.path(), 'restored');
	const identity = (pair: AgeKeyPair) =>
		readFileSync(pair.identityFile, 'utf8')
			.split('\n')
			.find((l) => l.startsWith('AGE-SECRET-KEY-'))!;

	function backupTree(encryption: { recipients?: string[]; passphrase?: string }): Promise<VolumeBackupResult> {
		return backupVolume({ root: root(), setName: 'data', source: { type: 'dir', path: tree }, compression: 'zstd', encryption });
	}

	it('encrypts each artifact to every recipient: the age CLI opens it with either key, and the manifest holds fingerprints only', async () => {
		const result = await backupTree({ recipients: [alice.recipient, bob.recipient] });
		const artifact = result.artifacts[0];
		expect(artifact.file).toMatch(/\.tar\.zst\.age$/);
		const manifest = await readManifest(result.path);
		expect(manifest.formatVersion).toBe(2);
		expect(manifest.artifacts[0].encryption).toEqual({
			format: 'age',
			recipients: [recipientFingerprint(alice.recipient), recipientFingerprint(bob.recipient)],
			passphrase: false,
		});
		// The sha256 is of the encrypted file: verify needs no key.
		expect(await sha256File(join(result.path, artifact.file))).toBe(artifact.sha256);
		expect(statSync(join(result.path, artifact.file)).mode & 0o777).toBe(0o600);
		await expect(verifySet(result.path)).resolves.toBeDefined();

		for (const pair of [alice, bob]) {
			const compressed = ageDecrypt(join(result.path, artifact.file), pair.identityFile);
			const listing = execFileSync('tar', ['--zstd', '-t'], { input: compressed, encoding: 'utf8' });
			expect(listing).toContain('./sub dir/nested/data.bin');
		}
		const text = readFileSync(join(result.path, 'manifest.json'), 'utf8');
		expect(text).not.toContain(alice.recipient);
		expect(text).not.toContain('AGE-SECRET-KEY');
	});

	it('restores an encrypted set with the identity, file for file', async () => {
		const result = await backupTree({ recipients: [alice.recipient] });
		await restoreVolume({ setPath: result.path, target: { type: 'dir', path: target() }, keys: { identities: [identity(alice)] } });
		expect(describeTree(target())).toEqual(describeTree(tree));
	});

	it('a wrong key is refused with DECRYPTION_FAILED before anything is written', async () => {
		const result = await backupTree({ recipients: [alice.recipient] });
		await expect(
			restoreVolume({ setPath: result.path, target: { type: 'dir', path: target() }, keys: { identities: [identity(mallory)] } }),
		).rejects.toMatchObject({
			code: 'DECRYPTION_FAILED',
			hint: expect.stringContaining('Nothing was restored'),
		});
		expect(existsSync(target()) ? readdirSync(target()) : []).toEqual([]);
	});

	it('no key at all is refused with ENCRYPTION_KEY_REQUIRED before anything is written', async () => {
		const result = await backupTree({ recipients: [alice.recipient] });
		await expect(restoreVolume({ setPath: result.path, target: { type: 'dir', path: target() } })).rejects.toMatchObject({
			code: 'ENCRYPTION_KEY_REQUIRED',
		});
		expect(existsSync(target()) ? readdirSync(target()) : []).toEqual([]);
	});

	it('reads a file that the age CLI encrypted (the other direction)', async () => {
		const plain = await backupVolume({ root: root(), setName: 'data', source: { type: 'dir', path: tree }, compression: 'zstd' });
		const artifact = plain.artifacts[0];
		const clear = join(plain.path, artifact.file);
		ageEncryptTo(clear, `${clear}.age`, bob.recipient);
		rmSync(clear);
		// Rewrite the manifest as our own encrypting run would have written it.
		const manifest = await readManifest(plain.path);
		manifest.formatVersion = 2;
		manifest.artifacts[0] = {
			...artifact,
			file: `${artifact.file}.age`,
			size: statSync(`${clear}.age`).size,
			sha256: await sha256File(`${clear}.age`),
			encryption: { format: 'age', recipients: [recipientFingerprint(bob.recipient)], passphrase: false },
		};
		writeFileSync(join(plain.path, 'manifest.json'), JSON.stringify(manifest));

		await restoreVolume({ setPath: plain.path, target: { type: 'dir', path: target() }, keys: { identities: [identity(bob)] } });
		expect(describeTree(target())).toEqual(describeTree(tree));
	});

	it('a passphrase set: the age CLI opens it, our restore opens it, a wrong passphrase is refused', async () => {
		const result = await backupTree({ passphrase: PASSPHRASE });
		const artifact = result.artifacts[0];
		expect(artifact.encryption).toEqual({ format: 'age', recipients: [], passphrase: true });
		expect(readFileSync(join(result.path, 'manifest.json'), 'utf8')).not.toContain(PASSPHRASE);

		const out = join(tmp.path(), 'by-age-cli.tar.zst');
		ageWithPassphrase(['-d', '-o', out, join(result.path, artifact.file)], PASSPHRASE, 1);
		expect(execFileSync('tar', ['--zstd', '-tf', out], { encoding: 'utf8' })).toContain('./hello.txt');

		await expect(
			restoreVolume({ setPath: result.path, target: { type: 'dir', path: target() }, keys: { passphrases: ['not-it'] } }),
		).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
		expect(existsSync(target()) ? readdirSync(target()) : []).toEqual([]);
		await restoreVolume({ setPath: result.path, target: { type: 'dir', path: target() }, keys: { passphrases: [PASSPHRASE] } });
		expect(describeTree(target())).toEqual(describeTree(tree));
	});

	it('reads a file that the age CLI encrypted with a passphrase', async () => {
		const plain = await backupVolume({ root: root(), setName: 'data', source: { type: 'dir', path: tree }, compression: 'gzip' });
		const artifact = plain.artifacts[0];
		const clear = join(plain.path, artifact.file);
		ageWithPassphrase(['-p', '-o', `${clear}.age`, clear], PASSPHRASE, 2);
		rmSync(clear);
		const manifest = await readManifest(plain.path);
		manifest.formatVersion = 2;
		manifest.artifacts[0] = {
			...artifact,
			file: `${artifact.file}.age`,
			size: statSync(`${clear}.age`).size,
			sha256: await sha256File(`${clear}.age`),
			encryption: { format: 'age', recipients: [], passphrase: true },
		};
		writeFileSync(join(plain.path, 'manifest.json'), JSON.stringify(manifest));
		await restoreVolume({ setPath: plain.path, target: { type: 'dir', path: target() }, keys: { passphrases: [PASSPHRASE] } });
		expect(describeTree(target())).toEqual(describeTree(tree));
	});

	it('an invalid recipient, or recipients mixed with a passphrase, is refused before anything is written', async () => {
		await expect(backupTree({ recipients: ['age1notakey'] })).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			hint: expect.stringContaining('age1'),
		});
		await expect(backupTree({ recipients: [alice.recipient], passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(existsSync(root())).toBe(false);
	});

	it("a newer tool's plain set stays format 1, so older readers still read it", async () => {
		const plain = await backupVolume({ root: root(), setName: 'data', source: { type: 'dir', path: tree }, compression: 'zstd' });
		expect((await readManifest(plain.path)).formatVersion).toBe(1);
		expect(plain.artifacts[0].encryption).toBeUndefined();
	});

	describe('Postgres', () => {
		const env = testEnv();
		const source = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
		const created: string[] = [];
		afterEach(async () => {
			for (const name of created.splice(0))
				await withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
		});

		it('an encrypted dump restores into a new database with the same rows and workflows, and its drill passes', async () => {
			const db = source.db();
			const result = await backupPostgres({
				root: root(),
				setName: 'n8n-db',
				method: 'local',
				connection: db.connection,
				format: 'custom',
				compression: 'zstd',
				encryption: { recipients: [alice.recipient] },
			});
			expect(result.artifacts[0].file).toMatch(/\.age$/);
			const restored = uniqueName('restored_age');
			created.push(restored);
			const keys = { identities: [identity(alice)] };
			await restorePostgres({ setPath: result.path, method: 'local', connection: { ...db.connection, database: restored }, keys });
			expect(await fingerprint(env.hostPostgres, restored)).toEqual(await fingerprint(env.hostPostgres, db.name));

			const drill = await runRestoreDrill({ setPath: result.path, postgres: { method: 'local', connection: db.connection }, keys });
			expect(drill.verdict).toBe('pass');
			const refused = await runRestoreDrill({ setPath: result.path, postgres: { method: 'local', connection: db.connection } });
			expect(refused.verdict).toBe('fail');
			expect(JSON.stringify(refused)).toContain('ENCRYPTION_KEY_REQUIRED');
		});
	});

	it('moving an encrypted artifact into place by hand does not bypass the checksum', async () => {
		const result = await backupTree({ recipients: [alice.recipient] });
		const file = join(result.path, result.artifacts[0].file);
		const other = await backupVolume({
			root: join(tmp.path(), 'other'),
			setName: 'data',
			source: { type: 'dir', path: tree },
			compression: 'zstd',
			encryption: { recipients: [alice.recipient] },
		});
		renameSync(join(other.path, other.artifacts[0].file), file);
		await expect(
			restoreVolume({ setPath: result.path, target: { type: 'dir', path: target() }, keys: { identities: [identity(alice)] } }),
		).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
	});
});
