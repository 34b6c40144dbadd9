import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { DecryptionKeys } from '../archive/ageKeys';
import { openAgeDecrypted } from '../archive/ageStreams';
import { sha256File } from '../archive/sha256File';
import { StackBackupError } from '../errors/StackBackupError';
import type { Logger } from '../logging/Logger';
import { latestCompleteSet } from './completeSets';
import { MANIFEST_FILE, readManifest, type ArtifactRecord, type Manifest } from './manifest';
import { aboutFields } from '../options/optionFields';
import { localPath } from './localRoot';

export interface VerifiedSet {
	dir: string;
	manifest: Manifest;
	/** What opens its encrypted artifacts, when it has any. */
	keys?: DecryptionKeys;
}

/**
 * The run folder a user means: a run folder itself, or a set folder
 * (`<root>/<set>`), which means its newest complete set ("last night's").
 */
export async function resolveRunFolder(path: string): Promise<string> {
	localPath(path, 'setFolder');
	const stat = await fs.lstat(path).catch(() => null);
	if (!stat)
		throw new StackBackupError('SET_NOT_FOUND', `${path} does not exist`, {
			hint: 'Give a run folder (listing the backup root shows them), or a set folder for its newest set.',
			details: aboutFields('setFolder'),
		});
	if (!stat.isDirectory()) {
		throw new StackBackupError('SET_NOT_FOUND', `${path} is ${stat.isSymbolicLink() ? 'a symlink' : 'not a folder'}`, {
			hint: 'Give the real run folder, not a link to it.',
		});
	}
	if (await fs.lstat(join(path, MANIFEST_FILE)).catch(() => null)) return path;
	const parent = join(path, '..');
	const setName = path.replace(/\/+$/, '').split('/').pop()!;
	const latest = await latestCompleteSet(parent, setName);
	if (!latest) {
		throw new StackBackupError('SET_NOT_FOUND', `${path} holds no complete set (no run folder with a manifest)`, {
			hint: 'A run without a manifest did not finish and is never restored. Pick another set.',
		});
	}
	return latest.dir;
}

/** Checks one artifact against its manifest record: a regular file of the recorded size and sha256. */
export async function verifyArtifact(dir: string, artifact: ArtifactRecord): Promise<void> {
	const path = join(dir, artifact.file);
	const stat = await fs.lstat(path).catch(() => null);
	if (!stat?.isFile()) {
		throw new StackBackupError('ARTIFACT_NOT_FOUND', `${path} is ${stat ? 'not a regular file' : 'missing'}`, {
			hint: 'This set is damaged: restore from another set.',
		});
	}
	const mismatch = (what: string) =>
		new StackBackupError('CHECKSUM_MISMATCH', `${artifact.file} in ${dir} does not match its manifest (${what})`, {
			hint: 'The file was changed or damaged after the backup. Nothing was restored; use another set.',
			details: { file: artifact.file },
		});
	if (stat.size !== artifact.size) throw mismatch(`size ${stat.size}, expected ${artifact.size}`);
	const actual = await sha256File(path);
	if (actual !== artifact.sha256) throw mismatch(`sha256 ${actual.slice(0, 12)}…, expected ${artifact.sha256.slice(0, 12)}…`);
}

/**
 * Reads a set's manifest and checks every artifact's sha256 before anything
 * is touched: a restore or drill starts only from a set proven intact.
 */
export async function verifySet(path: string, log?: Logger, keys?: DecryptionKeys): Promise<VerifiedSet> {
	const dir = await resolveRunFolder(path);
	const manifest = await readManifest(dir);
	for (const artifact of manifest.artifacts) {
		await verifyArtifact(dir, artifact);
		log?.info(`Checked ${artifact.file}: sha256 matches the manifest`);
	}
	return { dir, manifest, keys };
}

/**
 * verifySet for a restore or a drill: also proves that the keys given open
 * every encrypted artifact (the age header is unwrapped), so a set that
 * cannot be decrypted is refused whole, before any target is touched.
 */
export async function verifySetForRestore(path: string, log?: Logger, keys?: DecryptionKeys): Promise<VerifiedSet> {
	const set = await verifySet(path, log, keys);
	for (const artifact of set.manifest.artifacts.filter((a) => a.encryption)) {
		(await openAgeDecrypted(() => createReadStream(join(set.dir, artifact.file)), keys, artifact.file)).destroy();
		log?.info(`Checked ${artifact.file}: the age key opens it`);
	}
	return set;
}

/** The one artifact of a kind in a set, or a clear error naming what the set holds. */
export function artifactOfKind(set: VerifiedSet, kind: string): ArtifactRecord {
	const found = set.manifest.artifacts.filter((a) => a.kind === kind);
	if (found.length === 1) return found[0];
	const holds = [...new Set(set.manifest.artifacts.map((a) => a.kind))].join(', ') || 'nothing';
	throw new StackBackupError(
		'ARTIFACT_NOT_FOUND',
		`${set.dir} holds ${found.length ? 'several' : 'no'} ${kind} artifact${found.length ? 's' : ''} (it holds: ${holds})`,
		{
			hint: `Pick a set made by the ${kind} backup.`,
		},
	);
}
