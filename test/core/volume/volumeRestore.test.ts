import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupVolume, checkSetForRestore, restoreVolume } from '../../../core';
import { testDocker } from '../../support/dockerFixtures';
import { rawTar, type RawEntry } from '../../support/hostileTar';
import { writeSyntheticSet } from '../../support/syntheticSets';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';
import { describeTree, extractWithGnuTar, makeTree, seedVolume } from '../../support/volumeFixtures';

const env = testEnv();
const docker = { socketPath: env.dockerSocket };

function hostileSet(root: string, entries: RawEntry[]): string {
	return writeSyntheticSet(root, 'hostile', new Date('2026-01-01T02:00:00Z'), {
		artifact: { file: 'volume-x.tar', kind: 'volume', format: 'tar', content: rawTar(entries) },
	});
}

describe('volume and folder restore', () => {
	const tmp = useTempDir();

	it('restores a folder backup into a new folder, identical to the source', async () => {
		const source = makeTree();
		const set = await backupVolume({ root: tmp.path(), setName: 'files', source: { type: 'dir', path: source }, compression: 'zstd' });
		const target = join(tmp.path(), 'restored');
		const result = await restoreVolume({ setPath: set.path, target: { type: 'dir', path: target } });
		expect(describeTree(target)).toEqual(describeTree(source));
		expect(result).toMatchObject({
			mode: 'keep existing',
			differences: [],
			archive: { files: set.inventory.files, bytes: set.inventory.bytes },
		});
	});

	it('restores names that need pax headers (a path over 255 bytes, non-ASCII, a long link target), and GNU tar reads them the same', async () => {
		const deep = `long/${'a'.repeat(120)}/${'ü'.repeat(80)}`;
		const source = makeTree((dir) => {
			mkdirSync(join(dir, deep), { recursive: true });
			writeFileSync(join(dir, deep, `${'n'.repeat(100)}.json`), '{"workflow":1}\n');
			symlinkSync(`${deep}/${'n'.repeat(100)}.json`, join(dir, 'long-link'));
		});
		const set = await backupVolume({ root: tmp.path(), setName: 'pax', source: { type: 'dir', path: source }, compression: 'zstd' });
		const target = join(tmp.path(), 'pax-restored');
		await restoreVolume({ setPath: set.path, target: { type: 'dir', path: target } });
		expect(describeTree(target)).toEqual(describeTree(source));
		expect(extractWithGnuTar(set.path, set.artifacts[0]).tree).toEqual(describeTree(source));
	});

	it('keeps existing files unless asked to overwrite, and never deletes anything', async () => {
		const source = makeTree();
		const set = await backupVolume({ root: tmp.path(), setName: 'files', source: { type: 'dir', path: source }, compression: 'gzip' });
		const target = join(tmp.path(), 'existing');
		mkdirSync(target);
		writeFileSync(join(target, 'hello.txt'), 'changed since the backup\n');
		writeFileSync(join(target, 'only-here.txt'), 'not in the backup\n');

		await restoreVolume({ setPath: set.path, target: { type: 'dir', path: target } });
		expect(readFileSync(join(target, 'hello.txt'), 'utf8')).toBe('changed since the backup\n');
		expect(readFileSync(join(target, 'run.sh'), 'utf8')).toContain('echo hi');

		await restoreVolume({ setPath: set.path, target: { type: 'dir', path: target }, overwrite: true });
		expect(readFileSync(join(target, 'hello.txt'), 'utf8')).toBe('hello\n');
		expect(existsSync(join(target, 'only-here.txt'))).toBe(true);
	});

	it('restores a volume set into a new Docker volume through a never-started helper', async () => {
		const source = makeTree();
		await seedVolume('restore-src', source);
		const target = `restore-dst-${process.pid}`;
		// What the volume holds now, read back through a backup of it and GNU tar.
		const treeOfVolume = async (setName: string) => {
			const back = await backupVolume({
				root: tmp.path(),
				setName,
				source: { type: 'volume', volume: target, image: env.helperImage },
				docker,
				compression: 'none',
			});
			return extractWithGnuTar(back.path, back.artifacts[0]).tree;
		};
		try {
			const set = await backupVolume({
				root: tmp.path(),
				setName: 'vol',
				source: { type: 'volume', volume: 'restore-src', image: env.helperImage },
				docker,
				compression: 'zstd',
			});
			const result = await restoreVolume({ setPath: set.path, target: { type: 'volume', volume: target }, docker });
			expect(result.differences).toEqual([]);
			expect(await treeOfVolume('check')).toEqual(describeTree(source));
			const helpers = await testDocker().listContainers({ all: true, filters: { label: ['io.n8n-stack-backup.helper'] } });
			expect(helpers).toEqual([]);

			// Keep mode in a volume: a file changed since is left as it is.
			await seedVolume(
				target,
				makeTree((d) => writeFileSync(join(d, 'hello.txt'), 'newer\n')),
			);
			await restoreVolume({ setPath: set.path, target: { type: 'volume', volume: target, image: env.helperImage }, docker });
			expect((await treeOfVolume('check2'))['hello.txt']).toBe(`644 ${Buffer.from('newer\n').toString('base64')}`);

			// Overwrite mode: the archive goes to the Engine unparsed (its entries proven first), and the volume equals the source again.
			await restoreVolume({
				setPath: set.path,
				target: { type: 'volume', volume: target, image: env.helperImage },
				docker,
				overwrite: true,
			});
			expect(await treeOfVolume('check3')).toEqual(describeTree(source));
		} finally {
			await testDocker()
				.getVolume(target)
				.remove({ force: true })
				.catch(() => undefined);
		}
	});

	describe('never writes outside the target (each refusal happens before anything is extracted)', () => {
		const refuses = async (entries: RawEntry[], reason: RegExp) => {
			const set = hostileSet(tmp.path(), [{ path: 'ok.txt', type: 'File', body: 'fine' }, ...entries]);
			const target = join(tmp.path(), 'target');
			await expect(restoreVolume({ setPath: set, target: { type: 'dir', path: target } })).rejects.toMatchObject({
				code: 'UNSAFE_ARCHIVE_ENTRY',
				message: expect.stringMatching(reason),
				hint: expect.stringMatching(/Nothing was extracted/),
			});
			expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
		};

		it('refuses an absolute path', async () => {
			await refuses([{ path: `${tmp.path()}/escaped.txt`, type: 'File', body: 'x' }], /absolute path/);
			expect(existsSync(join(tmp.path(), 'escaped.txt'))).toBe(false);
		});

		it('refuses a path with ".."', async () => {
			await refuses([{ path: 'a/../../escaped.txt', type: 'File', body: 'x' }], /climbs out/);
			expect(existsSync(join(tmp.path(), 'escaped.txt'))).toBe(false);
		});

		it('refuses a symlink pointing to an absolute path', async () => {
			await refuses([{ path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }], /symlink to the absolute path \/etc/);
		});

		it('refuses a relative symlink that climbs out of the target', async () => {
			await refuses([{ path: 'sub/up', type: 'SymbolicLink', linkpath: '../../..' }], /symlink pointing out/);
		});

		it('refuses an entry written through a symlink of the same archive', async () => {
			await refuses(
				[
					{ path: 'inside', type: 'SymbolicLink', linkpath: 'ok.txt' },
					{ path: 'inside/x', type: 'File', body: 'x' },
				],
				/through the symlink inside/,
			);
		});

		it('refuses a hardlink to a file outside the target', async () => {
			await refuses([{ path: 'passwd', type: 'Link', linkpath: '/etc/passwd' }], /hardlink to \/etc\/passwd/);
			await refuses([{ path: 'passwd', type: 'Link', linkpath: '../outside' }], /hardlink to \.\.\/outside/);
		});

		it('refuses device files', async () => {
			await refuses([{ path: 'null', type: 'CharacterDevice' }], /CharacterDevice/);
		});

		it('an archive replaced after its proof (a recovery reads it again) is stopped on its way into a volume at its first unsafe entry (overwrite)', async () => {
			// Proven as it was: one harmless file. Then replaced, same name, by one with an entry that climbs out.
			const set = hostileSet(tmp.path(), [{ path: 'ok.txt', type: 'File', body: 'fine' }]);
			const verified = await checkSetForRestore(set);
			const proof = { files: 1, directories: 0, symlinks: 0, bytes: 4 };
			writeFileSync(
				join(set, 'volume-x.tar'),
				rawTar([
					{ path: 'ok.txt', type: 'File', body: 'fine' },
					{ path: '../../escape.txt', type: 'File', body: 'x' },
					{ path: 'after.txt', type: 'File', body: 'after' },
				]),
			);
			const volume = `replaced-${process.pid}`;
			try {
				await expect(
					restoreVolume({
						setPath: set,
						verified,
						archiveChecked: proof,
						target: { type: 'volume', volume, image: env.helperImage },
						docker,
						overwrite: true,
					}),
				).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE_ENTRY', message: expect.stringMatching(/escape\.txt/) });
				const back = await backupVolume({
					root: tmp.path(),
					setName: 'after-refusal',
					source: { type: 'volume', volume, image: env.helperImage },
					docker,
					compression: 'none',
				});
				expect(extractWithGnuTar(back.path, back.artifacts[0]).listing.join('\n')).not.toMatch(/after\.txt|escape\.txt/);
			} finally {
				await testDocker()
					.getVolume(volume)
					.remove({ force: true })
					.catch(() => undefined);
			}
		});

		it.each([false, true])(
			'refuses a hostile archive bound for a volume too, writing nothing into it (overwrite: %s)',
			async (overwrite) => {
				const set = hostileSet(tmp.path(), [
					{ path: 'ok.txt', type: 'File', body: 'fine' },
					{ path: '../x', type: 'File', body: 'x' },
				]);
				const volume = `hostile-${process.pid}`;
				try {
					await expect(
						restoreVolume({ setPath: set, target: { type: 'volume', volume, image: env.helperImage }, docker, overwrite }),
					).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE_ENTRY' });
					const exists = await testDocker()
						.getVolume(volume)
						.inspect()
						.then(
							() => true,
							() => false,
						);
					expect(exists).toBe(false);
				} finally {
					await testDocker()
						.getVolume(volume)
						.remove({ force: true })
						.catch(() => undefined);
				}
			},
		);
	});
});
