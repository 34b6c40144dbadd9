import { backupVolume, StackBackupError } from '../../../core';
import { withContainersStopped } from '../../../core/docker/stopContainers';
import { testDocker } from '../../support/dockerFixtures';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';
import { makeTree } from '../../support/volumeFixtures';

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
			(await import('node:fs')).rmSync(tree, { recursive: true, force: true });
		}
	});

	it('a failed restart is reported together with the archive error, never instead of it', async () => {
		const restartFailure = new StackBackupError('CONTAINER_RESTART_FAILED', 'Could not start again: n8n (gone)', { hint: 'Start them by hand.' });
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
			async () => ({ stopped: ['n8n'], restart: async () => Promise.reject(new StackBackupError('CONTAINER_RESTART_FAILED', 'Could not start again: n8n')) }),
			async () => 'archived',
		).catch((e) => e);
		expect(error.code).toBe('CONTAINER_RESTART_FAILED');
	});
});

describe('a file that changes while it is archived', () => {
	const tmp = useTempDir();

	// sysfs files stat as 4096 bytes but read far less: a file that "shrank" between stat and read, every time.
	it('fails with SOURCE_CHANGED naming the file and the fix, and keeps nothing', async () => {
		const { mkdirSync, rmSync } = await import('node:fs');
		const { execFileSync } = await import('node:child_process');
		const { join } = await import('node:path');
		const tree = makeTree();
		mkdirSync(join(tree, 'live'));
		execFileSync('mount', ['--bind', '/sys/kernel/mm/transparent_hugepage', join(tree, 'live')]);
		try {
			const error = await backupVolume({ root: tmp.path(), setName: 'dir', compression: 'none', source: { type: 'dir', path: tree } }).catch((e) => e);
			expect(error).toBeInstanceOf(StackBackupError);
			expect(error).toMatchObject({ code: 'SOURCE_CHANGED', message: expect.stringMatching(/^live\/\S+ in .* shrank while it was being archived$/), hint: expect.stringMatching(/Stop Containers/) });
			const { setFolderEntries } = await import('../../support/leftovers');
			expect(setFolderEntries(tmp.path(), 'dir')).toEqual([]);
		} finally {
			execFileSync('umount', ['-l', join(tree, 'live')]);
			rmSync(tree, { recursive: true, force: true });
		}
	});
});
