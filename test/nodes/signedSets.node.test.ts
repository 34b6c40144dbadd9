import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { Restore } from '../../nodes/Restore/Restore.node';
import { runNode, testCredential } from '../support/n8nNodeHarness';
import { useScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';

const env = testEnv();
const pem = () => {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	return {
		privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
	};
};

// Sign Sets on the backup nodes and Check Signatures on Stack Restore, with the Stack Backup
// Signing Key credential, in n8n-core's execute context.
describe('signed sets through the nodes', () => {
	const scratch = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	let root: string;
	beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'signed-node-'))));
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	const dump = async (sign: boolean, signingKey: Record<string, string>) =>
		(
			await runNode(new PostgresDump(), {
				parameters: { method: 'local', format: 'plain', backupRoot: root, setName: 'pg', compression: 'zstd', sign, options: {} },
				credentials: { stackBackupPostgresApi: { ...scratch.db().connection, ssl: 'disable' }, stackBackupSigningKeyApi: signingKey },
			})
		)[0][0].json as { path: string };
	const listWorkflows = (setFolder: string, signingKey: Record<string, string>) =>
		runNode(new Restore(), {
			parameters: { resource: 'workflow', operation: 'listWorkflows', setFolder, checkSignatures: true },
			credentials: { stackBackupSigningKeyApi: signingKey },
			continueOnFail: true,
		});

	it('Postgres Dump signs with the private key; Stack Restore accepts that set with the public key alone and refuses an unsigned one', async () => {
		const keys = pem();
		const signed = await dump(true, { privateKey: keys.privateKey, publicKey: '' });
		const [listed] = await listWorkflows(signed.path, { privateKey: '', publicKey: keys.publicKey });
		expect(listed.length).toBe(42);

		const unsigned = await dump(false, {});
		const [refused] = await listWorkflows(unsigned.path, { privateKey: '', publicKey: keys.publicKey });
		expect(refused[0].json).toMatchObject({ code: 'SET_SIGNATURE_INVALID', error: expect.stringMatching(/not signed/) });
		const [otherKey] = await listWorkflows(signed.path, { privateKey: '', publicKey: pem().publicKey });
		expect(otherKey[0].json).toMatchObject({ code: 'SET_SIGNATURE_INVALID', error: expect.stringMatching(/not trusted/) });
	});

	it('Sign Sets on with a credential that holds no private key fails, never writing an unsigned set', async () => {
		const [out] = await runNode(new PostgresDump(), {
			parameters: { method: 'local', format: 'plain', backupRoot: root, setName: 'pg', compression: 'zstd', sign: true, options: {} },
			credentials: {
				stackBackupPostgresApi: { ...scratch.db().connection, ssl: 'disable' },
				stackBackupSigningKeyApi: { privateKey: '', publicKey: pem().publicKey },
			},
			continueOnFail: true,
		});
		expect(out[0].json).toMatchObject({ code: 'INVALID_INPUT', error: expect.stringMatching(/no signing private key/) });
		expect(require('node:fs').readdirSync(root)).toEqual([]);
	});

	it("the Signing Key credential's Test button: a pair passes; a public key of another pair fails", async () => {
		const keys = pem();
		await expect(testCredential(new PostgresDump(), 'stackBackupSigningKeyTest', 'stackBackupSigningKeyApi', keys)).resolves.toMatchObject({
			status: 'OK',
			message: expect.stringMatching(/^Signing key [0-9a-f]{16}: signs new sets/),
		});
		const mismatched = await testCredential(new PostgresDump(), 'stackBackupSigningKeyTest', 'stackBackupSigningKeyApi', {
			privateKey: keys.privateKey,
			publicKey: pem().publicKey,
		});
		expect(mismatched).toMatchObject({ status: 'Error', message: expect.stringMatching(/not the private key's own/) });
		expect(mismatched.message).not.toContain(keys.privateKey.split('\n')[1]);
	});
});
