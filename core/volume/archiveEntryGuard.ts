import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { readTarEntries } from '../archive/readTarEntries';
import { StackBackupError } from '../errors/StackBackupError';

export interface ArchiveCounts {
	files: number;
	directories: number;
	symlinks: number;
	bytes: number;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const ALLOWED_TYPES = new Set([...FILE_TYPES, 'Directory', 'SymbolicLink', 'Link']);

/** "./a/b/" -> "a/b"; the root entry "./" -> "". */
export function entryPath(path: string): string {
	return path
		.replace(/^(\.\/)+/, '')
		.replace(/\/+$/, '')
		.replace(/^\.$/, '');
}

function escapes(relative: string): boolean {
	const normalized = posix.normalize(relative);
	return normalized === '..' || normalized.startsWith('../') || posix.isAbsolute(relative);
}

/**
 * Why an entry could write outside the extraction target, or null when it is
 * safe: absolute paths, ".." anywhere, symlinks and hardlinks that point out,
 * entries that would be written through a symlink of the same archive, and
 * devices. `symlinks` collects the archive's own symlinks as it goes.
 */
export function unsafeEntryReason(entry: { path: string; type: string; linkpath?: string }, symlinks: Set<string>): string | null {
	const raw = entry.path;
	if (raw.includes('\0')) return 'its name holds a NUL byte';
	if (posix.isAbsolute(raw) || /^[A-Za-z]:[\\/]/.test(raw)) return 'it has an absolute path';
	if (raw.split(/[\\/]/).includes('..')) return 'its path climbs out with ".."';
	if (!ALLOWED_TYPES.has(entry.type)) return `it is a ${entry.type}, which a restore never creates`;
	const path = entryPath(raw);
	const parts = path.split('/');
	for (let i = 1; i < parts.length; i++) {
		if (symlinks.has(parts.slice(0, i).join('/'))) return `it would be written through the symlink ${parts.slice(0, i).join('/')}`;
	}
	if (entry.type === 'SymbolicLink') {
		const target = entry.linkpath ?? '';
		if (posix.isAbsolute(target)) return `it is a symlink to the absolute path ${target}`;
		if (escapes(posix.join(posix.dirname(path), target))) return `it is a symlink pointing out of the target (${target})`;
		symlinks.add(path);
	}
	if (entry.type === 'Link') {
		const target = entry.linkpath ?? '';
		if (posix.isAbsolute(target) || escapes(entryPath(target))) return `it is a hardlink to ${target}, outside the target`;
	}
	return null;
}

export function unsafeEntryError(path: string, reason: string, artifact: string): StackBackupError {
	return new StackBackupError('UNSAFE_ARCHIVE_ENTRY', `${artifact} holds "${path}", which is refused: ${reason}`, {
		hint: 'This archive was not written by a normal backup and could write outside the target. Nothing was extracted; check where the set came from.',
		details: { entry: path },
	});
}

/**
 * Reads a whole archive once before anything is extracted and refuses it if
 * any entry is unsafe, so a hostile archive writes nothing at all. Returns
 * what the archive holds, for comparison with the manifest.
 */
export async function checkArchiveSafety(archive: Readable, artifact: string): Promise<ArchiveCounts> {
	const counts: ArchiveCounts = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
	const symlinks = new Set<string>();
	let refusal: StackBackupError | undefined;
	await readTarEntries(archive, (entry) => {
		const reason = refusal ? null : unsafeEntryReason({ path: entry.path, type: entry.type, linkpath: entry.linkpath }, symlinks);
		if (reason) refusal = unsafeEntryError(entry.path, reason, artifact);
		if (FILE_TYPES.has(entry.type)) {
			counts.files++;
			counts.bytes += entry.size ?? 0;
		} else if (entry.type === 'Directory') counts.directories++;
		else if (entry.type === 'SymbolicLink') counts.symlinks++;
	});
	if (refusal) throw refusal;
	return counts;
}
