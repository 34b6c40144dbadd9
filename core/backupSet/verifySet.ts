import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { DecryptionKeys } from '../archive/ageKeys';
import { openAgeDecrypted } from '../archive/ageStreams';
import { StackBackupError } from '../errors/StackBackupError';
import type { Logger } from '../logging/Logger';
import { childPlace, lastName, openPlace, parentPlace, showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { latestCompleteSet } from './completeSets';
import { MANIFEST_FILE, readManifest, type ArtifactRecord, type Manifest } from './manifest';
import { aboutFields } from '../options/optionFields';
import { checkManifestSignature, normalizeTrust, type Trust, type TrustOptions } from './setSigning';

export interface VerifiedSet {
	/** The run folder as a person sees it: a path or s3:// address. */
	dir: string;
	place: Place;
	manifest: Manifest;
	/** What opens its encrypted artifacts, when it has any. */
	keys?: DecryptionKeys;
	/** The id of the trusted key whose signature was checked, or null when no key was configured. */
	signedBy: string | null;
	/** Whom the reader trusts, normalised. */
	trust: Trust;
	/**
	 * True when only the sizes were checked: openArtifact then checks each
	 * sha256 as it reads, in the same pass as the restore that consumes it.
	 */
	digestsPending?: boolean;
}

/**
 * The run folder a user means: a run folder itself, or a set folder
 * (`<root>/<set>`), which means its newest complete set ("last night's").
 */
export async function resolveRunFolder(location: Location): Promise<Place> {
	const place = openPlace(location, 'setFolder');
	const path = showPlace(place);
	const entry = await place.storage.stat(place.key);
	if (!entry)
		throw new StackBackupError('SET_NOT_FOUND', `${path} does not exist`, {
			hint: 'Give a run folder (listing the backup root shows them), or a set folder for its newest set.',
			details: aboutFields('setFolder'),
		});
	if (entry.kind !== 'folder') {
		throw new StackBackupError('SET_NOT_FOUND', `${path} is ${entry.kind === 'other' ? 'a symlink' : 'not a folder'}`, {
			hint: 'Give the real run folder, not a link to it.',
		});
	}
	if (await place.storage.stat(childPlace(place, MANIFEST_FILE).key)) return place;
	const latest = await latestCompleteSet(parentPlace(place), lastName(place));
	if (!latest) {
		throw new StackBackupError('SET_NOT_FOUND', `${path} holds no complete set (no run folder with a manifest)`, {
			hint: 'A run without a manifest did not finish and is never restored. Pick another set.',
		});
	}
	return latest.place;
}

/** The hint of a damaged artifact met by a restore: nothing of it was kept. */
export const DAMAGED_ARTIFACT_HINT = 'The file was changed or damaged after the backup. Nothing was restored; use another set.';

/** Checks that an artifact is a regular file of its recorded size; returns its place. */
async function checkArtifactSize(run: Place, artifact: ArtifactRecord): Promise<Place> {
	const file = childPlace(run, artifact.file);
	const path = showPlace(file);
	const entry = await file.storage.stat(file.key);
	if (entry?.kind !== 'file') {
		throw new StackBackupError('ARTIFACT_NOT_FOUND', `${path} is ${entry ? 'not a regular file' : 'missing'}`, {
			hint: 'This set is damaged: restore from another set.',
		});
	}
	if (entry.size !== artifact.size) throw artifactMismatch(run, artifact, `size ${entry.size}, expected ${artifact.size}`);
	return file;
}

function artifactMismatch(run: Place, artifact: ArtifactRecord, what: string): StackBackupError {
	return new StackBackupError('CHECKSUM_MISMATCH', `${artifact.file} in ${showPlace(run)} does not match its manifest (${what})`, {
		hint: DAMAGED_ARTIFACT_HINT,
		details: { file: artifact.file },
	});
}

/** Checks one artifact against its manifest record: a regular file of the recorded size and sha256. */
export async function verifyArtifact(run: Place, artifact: ArtifactRecord): Promise<void> {
	const file = await checkArtifactSize(run, artifact);
	const hash = createHash('sha256');
	await pipeline(file.storage.read(file.key), hash);
	const actual = hash.digest('hex');
	if (actual !== artifact.sha256)
		throw artifactMismatch(run, artifact, `sha256 ${actual.slice(0, 12)}…, expected ${artifact.sha256.slice(0, 12)}…`);
}

/**
 * Reads a set's manifest, checks its signature where public keys are
 * configured, then every artifact's sha256, before anything is touched: a
 * restore or drill starts only from a set proven intact and, with keys,
 * proven to be ours.
 */
export async function verifySet(
	location: Location,
	log?: Logger,
	keys?: DecryptionKeys,
	trustOptions?: TrustOptions,
	/** Artifacts of this kind are only checked for size: the caller proves them in a read of its own (digestsPending). */
	deferKind?: string,
): Promise<VerifiedSet> {
	const set = await readTrustedManifest(location, log, keys, trustOptions);
	for (const artifact of set.manifest.artifacts) {
		if (artifact.kind === deferKind) {
			await checkArtifactSize(set.place, artifact);
			continue;
		}
		await verifyArtifact(set.place, artifact);
		log?.info(`Checked ${artifact.file}: sha256 matches the manifest`);
	}
	return deferKind ? { ...set, digestsPending: true } : set;
}

async function readTrustedManifest(
	location: Location,
	log: Logger | undefined,
	keys: DecryptionKeys | undefined,
	trustOptions: TrustOptions | undefined,
): Promise<VerifiedSet> {
	const trust = normalizeTrust(trustOptions);
	const place = await resolveRunFolder(location);
	const manifest = await readManifest(place);
	const signedBy = checkManifestSignature(manifest, showPlace(childPlace(place, MANIFEST_FILE)), trust);
	if (signedBy) log?.info(`Checked the manifest's signature: signed by key ${signedBy}`);
	return { dir: showPlace(place), place, manifest, keys, signedBy, trust };
}

/**
 * What a failed read of an artifact means when its digest was not checked up
 * front: a damaged file fails its decompressor or decryption before its end,
 * where the sha256 would have been compared. The file is hashed whole then,
 * so the user reads CHECKSUM_MISMATCH, not a codec's complaint.
 */
export async function explainReadFailure(
	set: Pick<VerifiedSet, 'place' | 'digestsPending'>,
	artifact: ArtifactRecord,
	error: unknown,
): Promise<unknown> {
	if (!set.digestsPending || (error instanceof StackBackupError && error.code === 'CHECKSUM_MISMATCH')) return error;
	return verifyArtifact(set.place, artifact).then(
		() => error,
		(mismatch: unknown) => mismatch,
	);
}

/**
 * For a restore that proves each artifact in the pass that loads it: the
 * manifest and its signature, and every artifact's presence and size, now;
 * each sha256 (and the key that opens it) as the restore reads it. Each
 * restore reads fully before it commits anything (a scratch database, a
 * temp file, a safety pass over the archive), so a damaged or unopenable
 * artifact still changes nothing, and nothing is read twice.
 */
export async function checkSetForRestore(
	location: Location,
	log?: Logger,
	keys?: DecryptionKeys,
	trustOptions?: TrustOptions,
): Promise<VerifiedSet> {
	const set = await readTrustedManifest(location, log, keys, trustOptions);
	for (const artifact of set.manifest.artifacts) await checkArtifactSize(set.place, artifact);
	return { ...set, digestsPending: true };
}

/**
 * verifySet for a restore or a drill: also proves that the keys given open
 * every encrypted artifact (the age header is unwrapped), so a set that
 * cannot be decrypted is refused whole, before any target is touched.
 */
export async function verifySetForRestore(
	location: Location,
	log?: Logger,
	keys?: DecryptionKeys,
	trust?: TrustOptions,
	/** As verifySet's. */
	deferKind?: string,
): Promise<VerifiedSet> {
	const set = await verifySet(location, log, keys, trust, deferKind);
	for (const artifact of set.manifest.artifacts.filter((a) => a.encryption)) {
		const file = childPlace(set.place, artifact.file);
		(await openAgeDecrypted(() => file.storage.read(file.key), keys, artifact.file)).destroy();
		log?.info(`Checked ${artifact.file}: the age key opens it`);
	}
	return set;
}

/** The one artifact of a kind in a set, or a clear error naming what the set holds. */
export function artifactOfKind(set: Pick<VerifiedSet, 'dir' | 'manifest'>, kind: string): ArtifactRecord {
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
