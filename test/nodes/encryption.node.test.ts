import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NodeOperationError, type ICredentialDataDecryptedObject } from 'n8n-workflow';
import { Restore } from '../../nodes/Restore/Restore.node';
import { VolumeArchive } from '../../nodes/VolumeArchive/VolumeArchive.node';
import { ageKeygen, type AgeKeyPair } from '../support/ageCli';
import { runNode, testCredential } from '../support/n8nNodeHarness';
import { useTempDir } from '../support/tempDir';
import { describeTree, makeTree } from '../support/volumeFixtures';

describe('encryption in n8n: Encrypt on a backup node, Decrypt on Stack Restore, one credential', () => {
	const tmp = useTempDir();
	let tree: string;
	let key: AgeKeyPair;
	let other: AgeKeyPair;
	beforeEach(() => {
		tree = makeTree();
		key = ageKeygen(tmp.path(), 'key');
		other = ageKeygen(tmp.path(), 'other');
	});
	afterEach(() => rmSync(tree, { recursive: true, force: true }));
	const secret = (pair: AgeKeyPair) =>
		readFileSync(pair.identityFile, 'utf8')
			.split('\n')
			.find((l) => l.startsWith('AGE-SECRET-KEY-'))!;

	async function encryptedSet(): Promise<string> {
		const [out] = await runNode(new VolumeArchive(), {
			parameters: {
				backupRoot: join(tmp.path(), 'backups'),
				setName: 'data',
				compression: 'zstd',
				encrypt: true,
				mode: 'dir',
				folderPath: tree,
				options: {},
			},
			// The backup machine holds only the public key.
			credentials: { stackBackupEncryptionApi: { mode: 'recipients', recipients: key.recipient, secretKey: '' } },
		});
		const json = out[0].json as { path: string; artifacts: Array<{ file: string }> };
		expect(json.artifacts[0].file).toMatch(/\.tar\.zst\.age$/);
		return json.path;
	}

	it('a set encrypted by Volume Archive is restored by Stack Restore with the identity', async () => {
		const setPath = await encryptedSet();
		const target = join(tmp.path(), 'restored');
		await runNode(new Restore(), {
			parameters: {
				resource: 'set',
				operation: 'restoreVolume',
				setFolder: setPath,
				targetType: 'dir',
				targetFolder: target,
				overwrite: false,
				decrypt: true,
			},
			credentials: { stackBackupEncryptionApi: { mode: 'recipients', recipients: key.recipient, secretKey: secret(key) } },
		});
		expect(describeTree(target)).toEqual(describeTree(tree));
	});

	it('Stack Restore without Decrypt, or with the wrong identity, fails with the cause and a hint and writes nothing', async () => {
		const setPath = await encryptedSet();
		const target = join(tmp.path(), 'restored');
		const base = {
			resource: 'set',
			operation: 'restoreVolume',
			setFolder: setPath,
			targetType: 'dir',
			targetFolder: target,
			overwrite: false,
		};
		const missing = await runNode(new Restore(), { parameters: { ...base, decrypt: false }, credentials: {} }).catch((e) => e);
		expect(missing).toBeInstanceOf(NodeOperationError);
		expect(missing.message).toMatch(/is encrypted \(age\) and no key was given/);
		const wrong = await runNode(new Restore(), {
			parameters: { ...base, decrypt: true },
			credentials: { stackBackupEncryptionApi: { mode: 'recipients', recipients: other.recipient, secretKey: secret(other) } },
		}).catch((e) => e);
		expect(wrong).toBeInstanceOf(NodeOperationError);
		expect(wrong.message).toMatch(/could not be decrypted/);
		expect(wrong.message).not.toContain(secret(other));
		expect(readdirSync(tmp.path())).not.toContain('restored');
	});

	it('the credential test checks the recipients, and that the identity opens what they encrypt', async () => {
		const node = new Restore();
		const test = (data: ICredentialDataDecryptedObject) =>
			testCredential(node, 'stackBackupEncryptionTest', 'stackBackupEncryptionApi', data);
		await expect(test({ mode: 'recipients', recipients: key.recipient, secretKey: secret(key) })).resolves.toMatchObject({
			status: 'OK',
			message: expect.stringMatching(/the identity given opens them/),
		});
		await expect(test({ mode: 'recipients', recipients: key.recipient, secretKey: '' })).resolves.toMatchObject({
			status: 'OK',
			message: expect.stringMatching(/keep it off this machine/),
		});
		const mismatch = await test({ mode: 'recipients', recipients: key.recipient, secretKey: secret(other) });
		expect(mismatch).toMatchObject({ status: 'Error', message: expect.stringMatching(/does not open/) });
		expect(mismatch.message).not.toContain(secret(other));
		await expect(test({ mode: 'recipients', recipients: 'age1bogus', secretKey: '' })).resolves.toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/not an age recipient/),
		});
		await expect(test({ mode: 'passphrase', passphrase: 'long-enough-passphrase' })).resolves.toMatchObject({ status: 'OK' });
	});
});
