import type { DecryptionKeys } from '../archive/ageKeys';
import type { TrustOptions } from '../backupSet/setSigning';
import type Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { Unpack, type ReadEntry } from 'tar';
import { readTarEntries } from '../archive/readTarEntries';
import { filterTar } from '../archive/filterTar';
import { tarHeaderGate } from '../archive/tarHeaderGate';
import { openArtifact } from '../backupSet/openArtifact';
import { artifactOfKind, checkSetForRestore, explainReadFailure, type VerifiedSet } from '../backupSet/verifySet';
import { createDockerClient, type DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { StackBackupError, invalidInput } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { checkArchiveSafety, entryPath, unsafeEntryError, unsafeEntryReason, type ArchiveCounts } from './archiveEntryGuard';
import { createHelperContainer } from '../docker/helperContainer';
import { helperImageFor, validateVolumeName } from './dockerVolumeSource';
import { VOLUME_ARTIFACT_KIND, type VolumeInventory } from './volumeBackup';
import { invalidOption } from '../options/invalidOption';
import { showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { extractIntoBucket } from './bucketTarget';

export type RestoreTarget =
	| { type: 'dir'; path: string }
	| { type: 'volume'; volume: string; image?: string }
	/** A bucket prefix, opened with openPlace: each file becomes an object. */
	| { type: 'bucket'; place: Place };

/** A target as results show it: a bucket by its address, never by its client. */
export type ShownTarget = Exclude<RestoreTarget, { type: 'bucket' }> | { type: 'bucket'; url: string };

export interface VolumeRestoreOptions {
	/** Opens the set's encrypted artifacts (age identities or passphrases). */
	keys?: DecryptionKeys;
	/** Whose signed sets to accept (public keys), or to accept unsigned ones where that is risky. */
	trust?: TrustOptions;
	/** A run folder, or a set folder for its newest complete set: a path, or a place opened with openPlace (a bucket). */
	setPath: Location;
	target: RestoreTarget;
	/** Overwrite files that already exist in the target (default: keep them). Nothing is ever deleted. */
	overwrite?: boolean;
	docker?: DockerConnection;
	log?: Logger;
	verified?: VerifiedSet;
	/** What checkVolumeArchive found in `verified`'s archive: its read is not repeated. */
	archiveChecked?: ArchiveCounts;
}

export interface VolumeRestoreResult {
	set: string;
	artifact: string;
	target: ShownTarget;
	mode: 'keep existing' | 'overwrite';
	archive: ArchiveCounts;
	/** Differences between the archive's content and the manifest's counts. */
	differences: string[];
	durationMs: number;
}

export function compareArchiveCounts(counts: ArchiveCounts, expected: Partial<VolumeInventory> | undefined): string[] {
	if (!expected) return ['the manifest has no volume inventory to compare with'];
	const differences: string[] = [];
	for (const field of ['files', 'directories', 'symlinks', 'bytes'] as const) {
		if (typeof expected[field] === 'number' && counts[field] !== expected[field])
			differences.push(`${field}: ${counts[field]} in the archive, the manifest says ${expected[field]}`);
	}
	return differences;
}

// The same check again while extracting: the file could change between the two passes.
function guardedFilter(artifact: string, onRefusal: (error: StackBackupError) => void) {
	const symlinks = new Set<string>();
	return (path: string, stats: unknown) => {
		const entry = stats as ReadEntry;
		const reason = unsafeEntryReason({ path, type: entry.type, linkpath: entry.linkpath }, symlinks);
		if (reason) onRefusal(unsafeEntryError(path, reason, artifact));
		return !reason;
	};
}

async function extractIntoDir(archive: Readable, dir: string, overwrite: boolean, artifact: string): Promise<void> {
	const stat = await fs.stat(dir).catch(() => null);
	if (stat && !stat.isDirectory()) throw invalidInput(`${dir} is not a folder`, 'Give a folder (it is created when it does not exist).');
	if (!stat) await fs.mkdir(dir, { recursive: true, mode: 0o700 });
	let refusal: StackBackupError | undefined;
	const unpack = new Unpack({
		cwd: dir,
		strict: true,
		keep: !overwrite,
		preservePaths: false,
		filter: guardedFilter(artifact, (e) => (refusal ??= e)),
	});
	await new Promise<void>((resolve, reject) => {
		unpack.on('close', resolve);
		unpack.on('error', reject);
		archive.on('error', reject);
		archive.pipe(unpack as unknown as NodeJS.WritableStream);
	});
	if (refusal) throw refusal;
}

async function existingPaths(helper: Docker.Container): Promise<Set<string>> {
	const paths = new Set<string>();
	await readTarEntries((await helper.getArchive({ path: '/target/.' })) as unknown as Readable, (entry) =>
		paths.add(entryPath(entry.path)),
	);
	return paths;
}

async function ensureVolume(docker: Docker, connection: DockerConnection, volume: string, log: Logger): Promise<void> {
	try {
		await docker.getVolume(volume).inspect();
	} catch (error) {
		if ((error as { statusCode?: number }).statusCode !== 404) throw mapDockerError(error, connection);
		log.info(`Volume "${volume}" does not exist; creating it`);
		await docker.createVolume({ Name: volume }).catch((e: unknown) => {
			throw mapDockerError(e, connection);
		});
	}
}

async function extractIntoVolume(
	archive: () => Readable,
	options: VolumeRestoreOptions & { target: { type: 'volume' } },
	recordedImage: string | undefined,
	log: Logger,
	artifact: string,
): Promise<void> {
	if (!options.docker)
		throw invalidOption(
			'dockerHost',
			'Restoring into a volume needs a Docker connection',
			'Say where the Docker Engine listens (its socket, or tcp host and port).',
		);
	const volume = validateVolumeName(options.target.volume);
	const docker = createDockerClient(options.docker);
	await ensureVolume(docker, options.docker, volume, log);
	const image = await helperImageFor(docker, options.docker, volume, options.target.image ?? (await presentImage(docker, recordedImage)));
	const helper = await createHelperContainer(docker, options.docker, image, `${volume}:/target`, log);
	try {
		let refusal: StackBackupError | undefined;
		const existing = options.overwrite ? undefined : await existingPaths(helper);
		const guard = guardedFilter(artifact, (e) => (refusal ??= e));
		// Overwriting, the archive goes to the Engine as it is, its headers checked on the way (the
		// file is read again after its proof, and could have been replaced since): parsing and
		// writing it again cost 0.7 s of CPU per 500 MiB, beside the Engine's own work.
		const stream = existing
			? filterTar(archive(), (path, entry) => guard(path, entry) && (entry.type === 'Directory' || !existing.has(entryPath(path))))
			: pipeline(
					archive(),
					tarHeaderGate((path, entry) => (guard(path, entry) ? null : refusal!)),
					() => undefined,
				);
		try {
			await helper.putArchive(stream, { path: '/target', noOverwriteDirNonDir: 'true' });
		} catch (error) {
			throw refusal ?? mapDockerError(error, options.docker);
		}
		if (refusal) throw refusal;
	} finally {
		await helper.remove({ force: true, v: false }).catch(() => undefined);
	}
}

// The image the backup read the volume with, if it is still here: a new, unused volume has no other.
async function presentImage(docker: Docker, image: string | undefined): Promise<string | undefined> {
	if (!image) return undefined;
	return docker
		.getImage(image)
		.inspect()
		.then(
			() => image,
			() => undefined,
		);
}

/**
 * The safety pass over a set's volume archive: every entry must land inside the target. It
 * also proves the sha256 (digests pending) and the key, so the extraction after it reads a
 * proven file. A recovery runs it while it verifies, before anything is stopped.
 */
export async function checkVolumeArchive(set: VerifiedSet): Promise<ArchiveCounts> {
	const artifact = artifactOfKind(set, VOLUME_ARTIFACT_KIND);
	return checkArchiveSafety(openArtifact(set, artifact), artifact.file).catch(async (error: unknown) => {
		throw await explainReadFailure(set, artifact, error);
	});
}

/**
 * Restores a volume archive into a host folder (node-tar) or a Docker volume
 * (a never-started helper and the archive API). The archive is read once in
 * full first, its sha256 checked, and refused if any entry could land outside
 * the target; only then is anything written. Existing files are kept unless `overwrite`.
 */
export async function restoreVolume(options: VolumeRestoreOptions): Promise<VolumeRestoreResult> {
	const began = Date.now();
	const log = options.log ?? silentLogger;
	const set = options.verified ?? (await checkSetForRestore(options.setPath, log, options.keys, options.trust));
	const artifact = artifactOfKind(set, VOLUME_ARTIFACT_KIND);
	const counts = (options.verified && options.archiveChecked) || (await checkVolumeArchive(set));
	const proven = { ...set, digestsPending: false };
	const differences = compareArchiveCounts(counts, set.manifest.inventory[VOLUME_ARTIFACT_KIND] as VolumeInventory | undefined);
	const target = options.target;
	const shown: ShownTarget = target.type === 'bucket' ? { type: 'bucket', url: showPlace(target.place) } : target;
	log.info(
		`Restoring ${artifact.file} (${counts.files} files, ${counts.bytes} bytes) into ${shown.type === 'dir' ? shown.path : shown.type === 'bucket' ? shown.url : `volume "${shown.volume}"`}`,
	);
	if (target.type === 'bucket') {
		const outcome = await extractIntoBucket(openArtifact(proven, artifact), target.place, Boolean(options.overwrite), artifact.file);
		log.info(`${outcome.written} object(s) written, ${outcome.kept} kept as they were`);
	} else if (target.type === 'dir') {
		if (!target.path?.startsWith('/'))
			throw invalidInput(`"${target.path}" is not an absolute path`, 'Give the folder to restore into as an absolute path.');
		await extractIntoDir(openArtifact(proven, artifact), target.path, Boolean(options.overwrite), artifact.file);
	} else {
		const recorded = (set.manifest.sources[VOLUME_ARTIFACT_KIND] as { image?: string } | undefined)?.image;
		await extractIntoVolume(() => openArtifact(proven, artifact), { ...options, target }, recorded ?? undefined, log, artifact.file);
	}
	if (differences.length) log.warn(`The archive differs from its manifest: ${differences.join('; ')}`);
	return {
		set: set.dir,
		artifact: artifact.file,
		target: shown,
		mode: options.overwrite ? 'overwrite' : 'keep existing',
		archive: counts,
		differences,
		durationMs: Date.now() - began,
	};
}
