import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/runCli';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';
import { describeTree, extractWithGnuTar, makeTree, seedVolume } from '../support/volumeFixtures';

const env = testEnv();

describe('n8n-stack-backup backup volume / files', () => {
	const tmp = useTempDir();
	let tree: string;
	beforeEach(() => {
		tree = makeTree();
	});
	afterEach(() => rmSync(tree, { recursive: true, force: true }));

	it('--volume: the archive comes back whole with GNU tar', async () => {
		await seedVolume('stack_cli_vol', tree);
		const run = await runCli([
			'backup',
			'volume',
			'--root',
			tmp.path(),
			'--set',
			'v',
			'--volume',
			'stack_cli_vol',
			'--image',
			env.helperImage,
			'--docker-host',
			`unix://${env.dockerSocket}`,
			'--compression',
			'gzip',
		]);
		expect(run.code).toBe(0);
		expect(run.json.artifacts[0]).toMatchObject({ file: 'volume-stack_cli_vol.tar.gz', format: 'tar' });
		expect(extractWithGnuTar(run.json.path, run.json.artifacts[0]).tree).toEqual(describeTree(tree));
	});

	it('--dir as a user who cannot read one file: fails naming it; with --skip-unreadable it warns and goes on', async () => {
		const root = mkdtempSync(join(tmpdir(), 'cli-unreadable-'));
		chmodSync(root, 0o777);
		chmodSync(tree, 0o755);
		writeFileSync(join(tree, 'locked.txt'), 'no');
		chmodSync(join(tree, 'locked.txt'), 0o000);
		try {
			const failed = await runCli(['backup', 'volume', '--root', root, '--set', 'd', '--dir', tree], {
				unprivileged: true,
				node: process.execPath,
			});
			expect(failed.code).toBe(1);
			expect(failed.json.error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('locked.txt') });
			const skipped = await runCli(['backup', 'volume', '--root', root, '--set', 'd', '--dir', tree, '--skip-unreadable'], {
				unprivileged: true,
				node: process.execPath,
			});
			expect(skipped.code).toBe(0);
			expect(skipped.json.warnings.join(' ')).toMatch(/locked\.txt/);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});

	it('files: --file and --optional; usage errors exit 2', async () => {
		const run = await runCli([
			'backup',
			'files',
			'--root',
			tmp.path(),
			'--set',
			'cfg',
			'--file',
			join(tree, 'hello.txt'),
			'--optional',
			join(tree, 'missing.env'),
		]);
		expect(run.code).toBe(0);
		expect(run.json).toMatchObject({
			artifacts: [{ file: 'hello.txt.zst' }],
			warnings: [expect.stringMatching(/missing\.env is missing/)],
		});
		expect((await runCli(['backup', 'files', '--root', tmp.path(), '--set', 'cfg'])).code).toBe(2);
		expect((await runCli(['backup', 'volume', '--root', tmp.path(), '--set', 'v', '--volume', 'a', '--dir', '/b'])).code).toBe(2);
		const missing = await runCli(['backup', 'files', '--root', tmp.path(), '--set', 'cfg', '--file', join(tree, 'nope')]);
		expect(missing.code).toBe(1);
		expect(missing.json.error.code).toBe('SOURCE_NOT_FOUND');
	});
});
