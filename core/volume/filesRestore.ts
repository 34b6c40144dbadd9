import type { DecryptionKeys } from '../archive/ageKeys';
import type { TrustOptions } from '../backupSet/setSigning';
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { openArtifact } from '../backupSet/openArtifact';
import { writeStreamAtomically } from '../storage/atomicWrite';
import { verifySet, type VerifiedSet } from '../backupSet/verifySet';
import { invalidInput } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { FILES_ARTIFACT_KIND, type FilesInventory } from './filesBackup';
import { type Location } from '../storage/openPlace';

export interface FilesRestoreOptions {
	/** Opens the set's encrypted artifacts (age identities or passphrases). */
	keys?: DecryptionKeys;
	/** Whose signed sets to accept (public keys), or to accept unsigned ones where that is risky. */
	trust?: TrustOptions;
	/** A run or set folder: a path, or a place opened with openPlace (a bucket). */
	setPath: Location;
	/** Folder the files are written into, each under its original file name. */
	dir: string;
	overwrite?: boolean;
	log?: Logger;
	verified?: VerifiedSet;
}

export interface FilesRestoreResult {
	set: string;
	dir: string;
	files: Array<{ original: string; restoredTo: string; action: 'written' | 'kept existing' }>;
}

/**
 * Writes a config-files set back into a folder (not over the original
 * paths: the user compares and moves them), each 0600 through a temp name.
 * A file already there is kept unless `overwrite`.
 */
export async function restoreFiles(options: FilesRestoreOptions): Promise<FilesRestoreResult> {
	const log = options.log ?? silentLogger;
	if (!options.dir?.startsWith('/'))
		throw invalidInput(`"${options.dir}" is not an absolute path`, 'Give the folder to restore the files into as an absolute path.');
	// Every file's sha256 before the first is written. The key is proven by the first file's own
	// read (all of a set's files share it), and a file arrives only whole (a temp name): one key
	// derivation per file.
	const set = options.verified ?? (await verifySet(options.setPath, log, options.keys, options.trust));
	const records = (set.manifest.inventory[FILES_ARTIFACT_KIND] as FilesInventory | undefined)?.files ?? [];
	await fs.mkdir(options.dir, { recursive: true, mode: 0o700 });
	const files: FilesRestoreResult['files'] = [];
	for (const artifact of set.manifest.artifacts.filter((a) => a.kind === FILES_ARTIFACT_KIND)) {
		const original = records.find((r) => r.file === artifact.file)?.path ?? artifact.file;
		// Only the base name: a manifest can never steer the write outside the folder.
		const name = basename(original).replace(/^\.\.?$/, 'file') || 'file';
		const restoredTo = join(options.dir, name);
		if (!options.overwrite && (await fs.lstat(restoredTo).catch(() => null))) {
			files.push({ original, restoredTo, action: 'kept existing' });
			continue;
		}
		await writeStreamAtomically(options.dir, name, [openArtifact(set, artifact)]);
		log.info(`Restored ${original} to ${restoredTo}`);
		files.push({ original, restoredTo, action: 'written' });
	}
	return { set: set.dir, dir: options.dir, files };
}
