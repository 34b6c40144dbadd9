import { WORKFLOWS_ARTIFACT_KIND } from '../backupSet/manifest';
import { WORKFLOWS_BASE_NAME, WORKFLOWS_FORMAT, type SqliteWorkflowsInventory } from '../backupSet/workflowsFile';
import { sqliteWorkflowsExport } from './sqliteWorkflows';
import type Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Compression } from '../archive/compression';
import type { BackupResult } from '../backupSet/backupResult';
import { stallTimeoutMs, withBackupRun, type BackupRun, type BackupRunOptions } from '../backupSet/backupRun';
import { createDockerClient, describeDocker, withDockerLimit, type DockerConnection } from '../docker/dockerConnection';
import { stopContainers, withContainersStopped, type ContainerSelector } from '../docker/stopContainers';
import { StackBackupError } from '../errors/StackBackupError';
import { openDirectoryArchive } from './directorySource';
import { helperImageFor, openDockerVolumeArchive, validateVolumeName } from './dockerVolumeSource';
import { excludeMatcher } from './excludeMatcher';
import { isN8nConfigPath, isSqliteSidecar, n8nDataFacts, type N8nDataFacts } from './n8nDataAwareness';
import { TarInspector } from '../archive/TarInspector';
import { validateContainerName } from '../docker/runningContainer';
import { aboutFields } from '../options/optionFields';
import { invalidOption } from '../options/invalidOption';
import { showPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { openBucketArchive, type BucketInventory } from './bucketSource';

export const VOLUME_ARTIFACT_KIND = 'volume';

export type VolumeSource =
	| { type: 'volume'; volume: string; image?: string }
	| { type: 'dir'; path: string }
	/** Every object under a prefix of a bucket (a MinIO or S3 bucket n8n's data lives in). */
	| { type: 'bucket'; place: Place };

/** A source as the manifest records it: a bucket by its address, never by its client. */
type RecordedSource = Exclude<VolumeSource, { type: 'bucket' }> | { type: 'bucket'; url: string };

function recorded(source: VolumeSource): RecordedSource {
	return source.type === 'bucket' ? { type: 'bucket', url: showPlace(source.place) } : source;
}

export interface VolumeBackupOptions extends BackupRunOptions {
	source: VolumeSource;
	/** Needed for a volume, and for stopping containers. */
	docker?: DockerConnection;
	excludes?: string[];
	stopContainers?: ContainerSelector;
	skipUnreadable?: boolean;
	compression: Compression;
}

export interface VolumeInventory {
	source: RecordedSource;
	files: number;
	directories: number;
	symlinks: number;
	bytes: number;
	excludes: string[];
	stoppedContainers: string[];
	n8n: (N8nDataFacts & { sqliteSnapshot: boolean }) | null;
	/** For a bucket: its objects, bytes and ETags. */
	bucket?: BucketInventory;
}

export type VolumeBackupResult = BackupResult<VolumeInventory>;

function artifactBaseName(source: VolumeSource): string {
	const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');
	if (source.type === 'volume') return `volume-${source.volume}.tar`;
	if (source.type === 'bucket') return `bucket-${safe(showPlace(source.place).slice('s3://'.length)) || 'root'}.tar`;
	return `dir-${safe(basename(source.path)) || 'root'}.tar`;
}

function dockerOf(options: VolumeBackupOptions): Docker {
	if (!options.docker)
		throw invalidOption(
			'dockerHost',
			'A Docker connection is needed for volumes and for stopping containers',
			'Say where the Docker Engine listens (its socket, or tcp host and port).',
		);
	return createDockerClient(options.docker);
}

// Running containers that still use the volume: a live SQLite database in it can then not be copied safely.
async function runningUsers(docker: Docker, volume: string, stopped: readonly string[]): Promise<string[]> {
	const running = await docker.listContainers({ filters: { volume: [volume], status: ['running'] } });
	return running.map((c) => c.Names[0].replace(/^\//, '')).filter((n) => !stopped.includes(n));
}

/**
 * Archives a Docker named volume (through a never-started helper container
 * and the archive API) or a host folder (walked and written here) into a new backup set,
 * optionally with containers stopped meanwhile, and records what n8n data it holds.
 */
export async function backupVolume(typed: VolumeBackupOptions): Promise<VolumeBackupResult> {
	const began = Date.now();
	const options = typed.docker ? { ...typed, docker: withDockerLimit(typed.docker, stallTimeoutMs(typed)) } : typed;
	const excluded = excludeMatcher(options.excludes);
	const source = options.source;
	const selector = options.stopContainers;
	// Names are checked here, before the run creates anything, not when the containers are stopped.
	for (const name of selector?.names ?? []) validateContainerName(name);
	const stopsContainers = Boolean(selector?.names?.length || selector?.label);
	const docker = source.type === 'volume' || stopsContainers ? dockerOf(options) : undefined;
	const image =
		source.type === 'volume' ? await helperImageFor(docker!, options.docker!, validateVolumeName(source.volume), source.image) : undefined;
	const stop = async () =>
		stopsContainers
			? stopContainers(docker!, options.docker!, selector!, options.log ?? { info: () => undefined, warn: () => undefined })
			: { stopped: [] as string[], restart: async () => undefined };

	return withBackupRun(options, async (run) => {
		const warnings: string[] = [];
		const inspector = new TarInspector({ capture: isN8nConfigPath, note: isSqliteSidecar });
		let sqliteSnapshot = false;
		// n8n's SQLite database as archived, for its workflows.json (read before the staged copy goes).
		let sqliteDatabase: string | null = null;
		let workflows: SqliteWorkflowsInventory | undefined;
		let bucketInventory: Promise<BucketInventory> | undefined;
		const stoppedContainers = await withContainersStopped(stop, async (stopped) => {
			let opened;
			if (source.type === 'bucket') {
				const archive = openBucketArchive(source.place);
				opened = { stream: archive.stream, cleanup: async () => undefined };
				bucketInventory = archive.inventory;
			} else if (source.type === 'volume') {
				opened = await openDockerVolumeArchive(docker!, options.docker!, source.volume, image!, excluded, run.log);
			} else {
				// A live SQLite snapshot is staged beside the set on disk; for a bucket, in a private temp folder.
				const staging = run.place.storage.kind === 'local' ? null : await fs.mkdtemp(join(tmpdir(), 'stack-backup-staging-'));
				const dir = await openDirectoryArchive({
					dir: source.path,
					excluded,
					skipUnreadable: options.skipUnreadable,
					stagingDir: staging ?? run.place.key,
					warn: (m) => warnings.push(m),
				}).catch(async (error: unknown) => {
					if (staging) await fs.rm(staging, { recursive: true, force: true });
					throw error;
				});
				sqliteSnapshot = dir.sqliteSnapshot !== null;
				sqliteDatabase = dir.sqliteDatabase;
				opened = {
					stream: dir.stream,
					cleanup: async () => {
						await dir.cleanup();
						if (staging) await fs.rm(staging, { recursive: true, force: true });
					},
				};
			}
			try {
				await run.writeArtifact({
					baseName: artifactBaseName(source),
					kind: VOLUME_ARTIFACT_KIND,
					format: 'tar',
					compression: options.compression,
					source: opened.stream,
					transforms: [inspector],
					stalled: stalledSource(source, options),
				});
				if (sqliteDatabase) workflows = await exportSqliteWorkflows(run, sqliteDatabase, (m) => warnings.push(m));
			} finally {
				await opened.cleanup();
			}
			if (source.type === 'volume' && inspector.contents.noted.some((p) => /database\.sqlite-wal$/.test(p))) {
				const users = await runningUsers(docker!, source.volume, stopped);
				if (users.length) {
					throw new StackBackupError(
						'LIVE_SQLITE',
						`Volume "${source.volume}" holds a SQLite database that ${users.join(', ')} is writing`,
						{
							hint: `A raw copy of a live database is not a backup. Stop ${users.join(', ')} during the archive, or archive the folder on the host, where SQLite's backup API takes a consistent copy.`,
							details: aboutFields('stopContainers'),
						},
					);
				}
			}
			return stopped;
		});

		const { facts, warning } = n8nDataFacts(inspector.contents.captured, inspector.contents.noted);
		if (warning) warnings.push(warning);
		for (const w of warnings) run.log.warn(w);
		const { files, directories, symlinks, bytes } = inspector.contents;
		const inventory: VolumeInventory = {
			source: recorded(source),
			files,
			directories,
			symlinks,
			bytes,
			excludes: options.excludes ?? [],
			stoppedContainers,
			n8n: facts ? { ...facts, sqliteSnapshot } : null,
			...(bucketInventory ? { bucket: await bucketInventory } : {}),
		};
		const manifest = await run.seal({
			sources: { [VOLUME_ARTIFACT_KIND]: { ...recorded(source), image: image ?? null } },
			inventory: { [VOLUME_ARTIFACT_KIND]: inventory, ...(workflows ? { [WORKFLOWS_ARTIFACT_KIND]: workflows } : {}) },
			warnings,
		});
		return { set: run.setName, path: run.dir, artifacts: run.artifacts, inventory, warnings, durationMs: Date.now() - began, manifest };
	});
}

/**
 * An n8n folder on SQLite: its workflows as n8n's export JSON beside the archive, read from the
 * same copy of the database the archive holds. Uncompressed, so `n8n import:workflow` takes it.
 */
async function exportSqliteWorkflows(
	run: BackupRun,
	database: string,
	warn: (message: string) => void,
): Promise<SqliteWorkflowsInventory | undefined> {
	let inventory: SqliteWorkflowsInventory | undefined;
	let exported: ReturnType<typeof sqliteWorkflowsExport>;
	try {
		exported = sqliteWorkflowsExport(database, (counted) => (inventory = counted));
	} catch (error) {
		// The archive holds the database whole; only the convenience copy is missing.
		warn(`The workflows could not be read from ${database} for ${WORKFLOWS_BASE_NAME}: ${(error as Error).message}`);
		return undefined;
	}
	if (!exported) return undefined;
	try {
		await run.writeArtifact({
			baseName: WORKFLOWS_BASE_NAME,
			kind: WORKFLOWS_ARTIFACT_KIND,
			format: WORKFLOWS_FORMAT,
			compression: 'none',
			source: exported.stream,
		});
	} finally {
		exported.close();
	}
	run.log.info(`Exported ${inventory?.workflows ?? 0} n8n workflows as ${WORKFLOWS_BASE_NAME}`);
	return inventory;
}

/** The error for a source that stopped sending; a folder on this machine is not watched. */
function stalledSource(source: VolumeSource, options: VolumeBackupOptions): ((seconds: number) => Error) | undefined {
	if (source.type === 'dir') return undefined;
	return (seconds) =>
		source.type === 'bucket'
			? new StackBackupError('S3_TIMEOUT', `The source bucket ${showPlace(source.place)} sent nothing for ${seconds} s`, {
					hint: 'The S3 server stopped answering mid-archive. Nothing of this run was kept; check it, then run again.',
					details: { step: 'reading the source bucket', ...aboutFields('stallTimeoutSeconds') },
				})
			: new StackBackupError('DOCKER_TIMEOUT', `The archive of volume "${source.volume}" sent nothing for ${seconds} s`, {
					hint: `The Docker Engine at ${describeDocker(options.docker!)} (or the helper container's disk) stopped answering mid-archive. Nothing of this run was kept; check it, then run again.`,
					details: { step: 'archiving the volume', ...aboutFields('stallTimeoutSeconds') },
				});
}
