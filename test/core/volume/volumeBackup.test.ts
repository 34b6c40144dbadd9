import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupVolume, readManifest, StackBackupError, type VolumeBackupOptions } from '../../../core';
import { HELPER_LABEL } from '../../../core/docker/helperContainer';
import { encryptionKeyFingerprint } from '../../../core/volume/n8nDataAwareness';
import { testDocker, withBusyboxContainer } from '../../support/dockerFixtures';
import { setFolderEntries } from '../../support/leftovers';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';
import { describeTree, extractWithGnuTar, makeTree, seedVolume } from '../../support/volumeFixtures';

const env = testEnv();
const docker = { socketPath: env.dockerSocket };
const VOLUME = 'stack_test_vol';

async function helpersLeft(): Promise<number> {
	return (await testDocker().listContainers({ all: true, filters: { label: [HELPER_LABEL] } })).length;
}

describe('Volume Archive (real Docker volumes and host folders, checked with GNU tar)', () => {
	const tmp = useTempDir();
	let tree: string;
	beforeEach(() => {
		tree = makeTree();
	});
	afterEach(() => rmSync(tree, { recursive: true, force: true }));

	const volumeOptions = (extra: Partial<VolumeBackupOptions> = {}): VolumeBackupOptions => ({
		root: tmp.path(),
		setName: 'vol',
		compression: 'zstd',
		docker,
		source: { type: 'volume', volume: VOLUME, image: env.helperImage },
		...extra,
	});

	it('a named volume: GNU tar lists it, and every file comes back with its content and mode', async () => {
		await seedVolume(VOLUME, tree);
		const result = await backupVolume(volumeOptions());
		const { listing, tree: extracted } = extractWithGnuTar(result.path, result.artifacts[0]);
		expect(listing).toContain('./sub dir/nested/data.bin');
		expect(extracted).toEqual(describeTree(tree));
		const fileBytes = Object.values(describeTree(tree))
			.filter((d) => /^[0-7]{3} /.test(d))
			.reduce((sum, d) => sum + Buffer.from(d.split(' ')[1], 'base64').length, 0);
		expect(result.inventory).toMatchObject({ files: 6, symlinks: 1, bytes: fileBytes });
		expect(await helpersLeft()).toBe(0);
	});

	it('a host folder, with excludes', async () => {
		const result = await backupVolume({ ...volumeOptions(), source: { type: 'dir', path: tree }, excludes: ['*.log', 'cache'] });
		const { tree: extracted } = extractWithGnuTar(result.path, result.artifacts[0]);
		const expected = describeTree(tree);
		delete expected['app.log'];
		delete expected['cache'];
		delete expected['cache/big.tmp'];
		expect(extracted).toEqual(expected);
		expect(result.inventory).toMatchObject({ files: 4, excludes: ['*.log', 'cache'] });
	});

	it('a host folder with files on both sides of the one-read size (256 KiB) and a FIFO: exact bytes back, the FIFO skipped without hanging', async () => {
		const sizes = {
			'empty.bin': 0,
			'one.bin': 1,
			'at-limit.bin': 256 * 1024,
			'past-limit.bin': 256 * 1024 + 1,
			'large.bin': 3 * 1024 * 1024 + 7,
		};
		for (const [name, size] of Object.entries(sizes)) writeFileSync(join(tree, name), randomBytes(size));
		execFileSync('mkfifo', [join(tree, 'a.fifo')]);
		const result = await backupVolume({ ...volumeOptions(), source: { type: 'dir', path: tree } });
		const { tree: extracted } = extractWithGnuTar(result.path, result.artifacts[0]);
		rmSync(join(tree, 'a.fifo'));
		expect(extracted).toEqual(describeTree(tree));
		expect(result.warnings).toEqual(['a.fifo: not a regular file, folder or link (socket, pipe or device), skipped']);
	});

	it('excludes also work on a volume (the tar stream is re-packed)', async () => {
		await seedVolume(VOLUME, tree);
		const result = await backupVolume(volumeOptions({ excludes: ['cache/**', '/app.log'] }));
		const { listing } = extractWithGnuTar(result.path, result.artifacts[0]);
		expect(listing.some((p) => p.includes('big.tmp') || p.includes('app.log'))).toBe(false);
		expect(listing).toContain('./hello.txt');
		expect(result.inventory.files).toBe(4);
	});

	it('uses the image of a container that uses the volume when none is given, and never pulls', async () => {
		await seedVolume(VOLUME, tree);
		await expect(backupVolume(volumeOptions({ source: { type: 'volume', volume: VOLUME } }))).rejects.toMatchObject({
			code: 'IMAGE_NOT_FOUND',
			hint: expect.stringMatching(/nothing is ever pulled/),
		});
		const user = await testDocker().createContainer({
			Image: env.helperImage,
			Cmd: ['true'],
			name: 'stack-test-vol-user',
			HostConfig: { Binds: [`${VOLUME}:/data`] },
		});
		try {
			const result = await backupVolume(volumeOptions({ source: { type: 'volume', volume: VOLUME } }));
			expect(result.inventory.files).toBe(6);
		} finally {
			await user.remove({ force: true });
		}
		await expect(
			backupVolume(volumeOptions({ source: { type: 'volume', volume: VOLUME, image: 'not-present:latest' } })),
		).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
	});

	it('a missing volume: VOLUME_NOT_FOUND; a missing folder: SOURCE_NOT_FOUND; nothing left behind', async () => {
		await expect(backupVolume(volumeOptions({ source: { type: 'volume', volume: 'no_such_volume' } }))).rejects.toMatchObject({
			code: 'VOLUME_NOT_FOUND',
		});
		await expect(backupVolume(volumeOptions({ source: { type: 'dir', path: '/nonexistent/folder' } }))).rejects.toMatchObject({
			code: 'SOURCE_NOT_FOUND',
		});
		await expect(backupVolume(volumeOptions({ source: { type: 'volume', volume: '../etc' } }))).rejects.toMatchObject({
			code: 'INVALID_INPUT',
		});
		expect(setFolderEntries(tmp.path(), 'vol')).toEqual([]);
		expect(await helpersLeft()).toBe(0);
	});

	it('Docker Engine unreachable: DOCKER_UNREACHABLE', async () => {
		await expect(backupVolume(volumeOptions({ docker: { socketPath: '/nonexistent.sock' } }))).rejects.toMatchObject({
			code: 'DOCKER_UNREACHABLE',
		});
	});

	it('n8n data: records a fingerprint of the encryption key, never the key', async () => {
		const key = 'n8n-test-encryption-key-123';
		writeFileSync(join(tree, 'config'), JSON.stringify({ encryptionKey: key }));
		writeFileSync(join(tree, 'database.sqlite'), 'not really sqlite');
		await seedVolume(VOLUME, tree);
		const result = await backupVolume(volumeOptions());
		expect(result.inventory.n8n).toMatchObject({
			encryptionKeyFingerprint: encryptionKeyFingerprint(key),
			configPath: 'config',
			sqlite: true,
		});
		expect(result.warnings).toEqual([]);
		expect(JSON.stringify(await readManifest(result.path))).not.toContain(key);
	});

	it('n8n data without an encryption key: a loud warning', async () => {
		writeFileSync(join(tree, 'database.sqlite'), 'x');
		const result = await backupVolume({ ...volumeOptions(), source: { type: 'dir', path: tree } });
		expect(result.warnings.join(' ')).toMatch(/no encryption key.*cannot be decrypted/);
		expect((await readManifest(result.path)).warnings).toEqual(result.warnings);
	});

	describe('stopping the containers that use the volume', () => {
		const running = async (name: string) => (await testDocker().getContainer(name).inspect()).State.Running;

		it('stops them during the archive and starts them again', async () => {
			await seedVolume(VOLUME, tree);
			await withBusyboxContainer('stack-test-app', true, async () => {
				const result = await backupVolume(volumeOptions({ stopContainers: { names: ['stack-test-app'] } }));
				expect(result.inventory.stoppedContainers).toEqual(['stack-test-app']);
				expect(await running('stack-test-app')).toBe(true);
			});
		});

		it('starts them again when the archive fails (disk full), and reports the archive error', async () => {
			writeFileSync(join(tree, 'big.bin'), Buffer.alloc(400_000, 7));
			await seedVolume(VOLUME, tree);
			const small = join(tmp.path(), 'small');
			mkdirSync(small);
			execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', small]);
			try {
				await withBusyboxContainer('stack-test-app', true, async () => {
					const error = await backupVolume(
						volumeOptions({ root: small, compression: 'none', minFreeMb: 0, stopContainers: { names: ['stack-test-app'] } }),
					).catch((e) => e);
					expect(error).toBeInstanceOf(StackBackupError);
					expect(error.code).toBe('DISK_FULL');
					expect(await running('stack-test-app')).toBe(true);
				});
				expect(setFolderEntries(small, 'vol')).toEqual([]);
			} finally {
				execFileSync('umount', [small]);
			}
			expect(await helpersLeft()).toBe(0);
		});

		it('refuses to copy a live SQLite database out of a volume a running container uses, unless it is stopped', async () => {
			writeFileSync(join(tree, 'database.sqlite'), 'db');
			writeFileSync(join(tree, 'database.sqlite-wal'), 'wal');
			await seedVolume(VOLUME, tree);
			const user = await testDocker().createContainer({
				Image: env.helperImage,
				Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
				name: 'stack-test-n8n',
				HostConfig: { Binds: [`${VOLUME}:/home/node/.n8n`], NetworkMode: 'none' },
			});
			await user.start();
			try {
				await expect(backupVolume(volumeOptions())).rejects.toMatchObject({
					code: 'LIVE_SQLITE',
					message: expect.stringMatching(/stack-test-n8n/),
				});
				const stopped = await backupVolume(volumeOptions({ stopContainers: { names: ['stack-test-n8n'] } }));
				expect(stopped.inventory.n8n).toMatchObject({ sqlite: true });
				expect(await running('stack-test-n8n')).toBe(true);
			} finally {
				await user.remove({ force: true });
			}
		});
	});
});
