import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BARE_ENV, runCli, singleExecutable } from '../support/runCli';
import { useTempDir } from '../support/tempDir';

// A rebuilt host: no Node on PATH but Debian's 20, none of our files but the one executable.
describe('the single executable (Node 24 inside) on a bare machine: env -i PATH=/usr/bin:/bin', () => {
	const tmp = useTempDir();
	let exe: string;
	beforeAll(() => {
		exe = singleExecutable();
	}, 180_000);

	it('lists, verifies and restores a zstd, passphrase-encrypted set that the npm CLI made', async () => {
		const stack = join(tmp.path(), 'stack');
		mkdirSync(stack);
		writeFileSync(join(stack, '.env'), 'N8N_ENCRYPTION_KEY=bare-machine\n');
		const root = join(tmp.path(), 'backups');
		const passphrase = join(tmp.path(), 'passphrase');
		writeFileSync(passphrase, 'correct horse battery\n', { mode: 0o600 });
		const made = await runCli([
			'backup',
			'files',
			'--root',
			root,
			'--set',
			'config',
			'--file',
			join(stack, '.env'),
			'--age-passphrase-file',
			passphrase,
		]);
		expect(made.code).toBe(0);
		expect(JSON.parse(readFileSync(join(made.json.path, 'manifest.json'), 'utf8')).artifacts[0]).toMatchObject({
			compression: 'zstd',
			encryption: { passphrase: true },
		});

		const bare = { executable: exe, env: BARE_ENV };
		const list = await runCli(['list', '--root', root, '--json'], bare);
		expect(list.code).toBe(0);
		expect(list.json).toEqual([expect.objectContaining({ set: 'config', complete: 1 })]);

		const verify = await runCli(['verify', made.json.path], bare);
		expect(verify.code).toBe(0);

		const out = join(tmp.path(), 'restored');
		const locked = await runCli(['restore', made.json.path, '--dir', out], bare);
		expect(locked.json.error.code).toBe('ENCRYPTION_KEY_REQUIRED');
		const restore = await runCli(['restore', made.json.path, '--dir', out, '--age-passphrase-file', passphrase], bare);
		expect(restore.code).toBe(0);
		expect(readFileSync(join(out, '.env'), 'utf8')).toBe('N8N_ENCRYPTION_KEY=bare-machine\n');
	});
});
