import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupVolume, readManifest, StackBackupError } from '../../../core';
import { withContainersStopped } from '../../../core/docker/stopContainers';
import { testDocker } from '../../support/dockerFixtures';
import { setFolderEntries } from '../../support/leftovers';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';
import { untilFileIsOpen } from '../../support/until';
import { extractWithGnuTar, makeTree } from '../../support/volumeFixtures';

const env = testEnv();

describe('stopping containers during an archive', () => {
	const tmp = useTempDir();

	it('selects containers by label, stops them, and starts them again', async () => {
		const docker = testDocker();
		const labelled = await docker.createContainer({
			name: 'stack-test-labelled',
			Image: env.helperImage,
			Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
			Labels: { 'stack-backup.stop-during-backup': 'true', 'io.stack-backup-testenv': '1' },
			HostConfig: { NetworkMode: 'none' },
		});
		await labelled.start();
		const tree = makeTree();
		try {
			const result = await backupVolume({
				root: tmp.path(),
				setName: 'dir',
				compression: 'none',
				source: { type: 'dir', path: tree },
				docker: { socketPath: env.dockerSocket },
				stopContainers: { label: 'stack-backup.stop-during-backup=true' },
			});
			expect(result.inventory.stoppedContainers).toEqual(['stack-test-labelled']);
			expect((await labelled.inspect()).State.Running).toBe(true);
		} finally {
			await labelled.remove({ force: true });
			rmSync(tree, { recursive: true, force: true });
		}
	});

	it('a container to stop that does not exist: CONTAINER_NOT_FOUND before anything is written', async () => {
		const tree = makeTree();
		try {
			await expect(
				backupVolume({
					root: tmp.path(),
					setName: 'dir',
					compression: 'none',
					source: { type: 'dir', path: tree },
					docker: { socketPath: env.dockerSocket },
					stopContainers: { names: ['no-such-container'] },
				}),
			).rejects.toMatchObject({ code: 'CONTAINER_NOT_FOUND' });
			expect(setFolderEntries(tmp.path(), 'dir')).toEqual([]);
		} finally {
			rmSync(tree, { recursive: true, force: true });
		}
	});

	it('a failed restart is reported together with the archive error, never instead of it', async () => {
		const restartFailure = new StackBackupError('CONTAINER_RESTART_FAILED', 'Could not start again: n8n (gone)', {
			hint: 'Start them by hand.',
		});
		const error = await withContainersStopped(
			async () => ({ stopped: ['n8n'], restart: async () => Promise.reject(restartFailure) }),
			async () => {
				throw new StackBackupError('DISK_FULL', 'The disk is full', { hint: 'Free space.' });
			},
		).catch((e) => e);
		expect(error.code).toBe('DISK_FULL');
		expect(error.message).toBe('The disk is full; and then: Could not start again: n8n (gone)');
		expect(error.hint).toMatch(/Free space\..*Start them by hand/);
	});

	it('a failed restart after a good archive fails the run (the containers are down)', async () => {
		const error = await withContainersStopped(
			async () => ({
				stopped: ['n8n'],
				restart: async () => Promise.reject(new StackBackupError('CONTAINER_RESTART_FAILED', 'Could not start again: n8n')),
			}),
			async () => 'archived',
		).catch((e) => e);
		expect(error.code).toBe('CONTAINER_RESTART_FAILED');
	});
});

describe('files that change while a folder is archived', () => {
	const tmp = useTempDir();

	// sysfs files stat as 4096 bytes but read far less: a file that "shrank" between stat and read, every time.
	it('a file that shrinks is padded, the run warns and the manifest records it; GNU tar reads the archive', async () => {
		const tree = makeTree();
		mkdirSync(join(tree, 'live'));
		execFileSync('mount', ['--bind', '/sys/kernel/mm/transparent_hugepage', join(tree, 'live')]);
		try {
			const result = await backupVolume({ root: tmp.path(), setName: 'dir', compression: 'gzip', source: { type: 'dir', path: tree } });
			expect(result.warnings.some((w) => /^live\/enabled: shrank by \d+ bytes while it was read; padded with zeros$/.test(w))).toBe(true);
			expect((await readManifest(result.path)).warnings).toEqual(result.warnings);
			const listing = execFileSync('tar', ['-tzf', join(result.path, result.artifacts[0].file)], { encoding: 'utf8' });
			expect(listing).toMatch(/\.\/live\/enabled/);
			expect(listing).toMatch(/\.\/sub dir\/nested\/data\.bin/);
		} finally {
			execFileSync('umount', ['-l', join(tree, 'live')]);
			rmSync(tree, { recursive: true, force: true });
		}
	});

	it('security: a file swapped for a symlink after the folder was listed is skipped, never followed out of the folder', async () => {
		const tree = makeTree();
		const secret = join(tmp.path(), 'outside-secret.txt');
		writeFileSync(secret, 'HOST-SECRET-NOT-FOR-THE-ARCHIVE');
		const swap = join(tree, 'swap');
		mkdirSync(swap);
		// Sorted first: while it streams through gzip, swap/ is listed but no f* file is open yet.
		writeFileSync(join(swap, 'a-slow.bin'), randomBytes(48 * 1024 * 1024));
		for (let i = 0; i < 300; i++) writeFileSync(join(swap, `f${String(i).padStart(3, '0')}`), 'x');
		const backup = backupVolume({ root: tmp.path(), setName: 'dir', compression: 'gzip', source: { type: 'dir', path: tree } });
		await untilFileIsOpen(join(swap, 'a-slow.bin'));
		for (let i = 0; i < 300; i++) {
			const file = join(swap, `f${String(i).padStart(3, '0')}`);
			rmSync(file);
			symlinkSync(secret, file);
		}
		try {
			const result = await backup;
			expect(result.warnings).toHaveLength(300);
			expect(result.warnings.every((w) => /^swap\/f\d{3}: is no longer a regular file, skipped$/.test(w))).toBe(true);
			const { tree: extracted } = extractWithGnuTar(result.path, result.artifacts[0]);
			expect(JSON.stringify(extracted)).not.toContain(Buffer.from('HOST-SECRET-NOT-FOR-THE-ARCHIVE').toString('base64'));
		} finally {
			rmSync(tree, { recursive: true, force: true });
		}
	});

	it('files that vanish after the folder was listed are skipped with a warning each, and the run goes on', async () => {
		const tree = makeTree();
		const churn = join(tree, 'churn');
		mkdirSync(churn);
		// Sorted first in churn/: while this streams through gzip (slow on random data), the
		// folder has been listed but none of the f* files has been opened yet.
		writeFileSync(join(churn, 'a-slow.bin'), randomBytes(48 * 1024 * 1024));
		for (let i = 0; i < 3000; i++) writeFileSync(join(churn, `f${String(i).padStart(5, '0')}`), 'x'.repeat(100));
		const backup = backupVolume({ root: tmp.path(), setName: 'dir', compression: 'gzip', source: { type: 'dir', path: tree } });
		await untilFileIsOpen(join(churn, 'a-slow.bin'));
		for (let i = 0; i < 3000; i++) rmSync(join(churn, `f${String(i).padStart(5, '0')}`));
		try {
			const result = await backup;
			expect(result.warnings).toHaveLength(3000);
			expect(result.warnings.every((w) => /^churn\/f\d{5}: vanished before it was read, skipped$/.test(w))).toBe(true);
			expect(result.inventory.files).toBe(7);
		} finally {
			rmSync(tree, { recursive: true, force: true });
		}
	});
});
