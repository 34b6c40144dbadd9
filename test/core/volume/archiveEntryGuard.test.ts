import { entryPath, unsafeEntryError, unsafeEntryReason } from '../../../core/volume/archiveEntryGuard';

// The rules that keep a hostile archive from writing outside its target, one by one.
const check = (entry: { path: string; type: string; linkpath?: string }, symlinks = new Set<string>()) =>
	unsafeEntryReason(entry, symlinks);

describe('entryPath', () => {
	it.each([
		['./a/b/', 'a/b'],
		['./', ''],
		['.', ''],
		['././x', 'x'],
		['dir//', 'dir'],
	])('%s -> "%s"', (raw, expected) => expect(entryPath(raw)).toBe(expected));
});

describe('unsafeEntryReason', () => {
	it('lets ordinary files, folders, links inside the target and hardlinks to its own files through', () => {
		const symlinks = new Set<string>();
		expect(check({ path: './data/db.sqlite', type: 'File' }, symlinks)).toBeNull();
		expect(check({ path: './data/', type: 'Directory' }, symlinks)).toBeNull();
		expect(check({ path: './data/current', type: 'SymbolicLink', linkpath: 'db.sqlite' }, symlinks)).toBeNull();
		expect(check({ path: './data/up', type: 'SymbolicLink', linkpath: '../data/db.sqlite' }, symlinks)).toBeNull();
		expect(check({ path: './copy', type: 'Link', linkpath: './data/db.sqlite' }, symlinks)).toBeNull();
		expect(symlinks).toEqual(new Set(['data/current', 'data/up']));
	});

	it.each([
		[{ path: '/etc/passwd', type: 'File' }, 'it has an absolute path'],
		[{ path: 'C:\\Windows\\x', type: 'File' }, 'it has an absolute path'],
		[{ path: './a/../../etc/passwd', type: 'File' }, 'its path climbs out with ".."'],
		[{ path: 'a\\..\\..\\x', type: 'File' }, 'its path climbs out with ".."'],
		[{ path: 'a\0b', type: 'File' }, 'its name holds a NUL byte'],
		[{ path: './dev/sda', type: 'BlockDevice' }, 'it is a BlockDevice, which a restore never creates'],
		[{ path: './fifo', type: 'FIFO' }, 'it is a FIFO, which a restore never creates'],
		[{ path: './l', type: 'SymbolicLink', linkpath: '/etc' }, 'it is a symlink to the absolute path /etc'],
		[{ path: './a/l', type: 'SymbolicLink', linkpath: '../../x' }, 'it is a symlink pointing out of the target (../../x)'],
		[{ path: './h', type: 'Link', linkpath: '/etc/shadow' }, 'it is a hardlink to /etc/shadow, outside the target'],
		[{ path: './h', type: 'Link', linkpath: '../x' }, 'it is a hardlink to ../x, outside the target'],
	])('refuses %j: %s', (entry, reason) => expect(check(entry)).toBe(reason));

	it('refuses an entry written through a symlink the same archive made earlier', () => {
		const symlinks = new Set<string>();
		expect(check({ path: './inside', type: 'SymbolicLink', linkpath: 'sub' }, symlinks)).toBeNull();
		expect(check({ path: './inside/file', type: 'File' }, symlinks)).toBe('it would be written through the symlink inside');
	});

	it('the error names the entry and the artifact, and says nothing was extracted', () => {
		const error = unsafeEntryError('../x', 'its path climbs out with ".."', 'volume.tar.zst');
		expect(error.code).toBe('UNSAFE_ARCHIVE_ENTRY');
		expect(error.message).toBe('volume.tar.zst holds "../x", which is refused: its path climbs out with ".."');
		expect(error.hint).toMatch(/Nothing was extracted/);
		expect(error.details).toEqual({ entry: '../x' });
	});
});
