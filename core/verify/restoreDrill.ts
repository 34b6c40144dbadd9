import type { DecryptionKeys } from '../archive/ageKeys';
import type { TrustOptions } from '../backupSet/setSigning';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openArtifact } from '../backupSet/openArtifact';
import { MeasuringStream } from '../archive/MeasuringStream';
import type { ArtifactRecord } from '../backupSet/manifest';
import { resolveRunFolder, verifySetForRestore, type VerifiedSet } from '../backupSet/verifySet';
import type { DockerConnection } from '../docker/dockerConnection';
import { isStackBackupError, StackBackupError } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { createDatabase, dropDatabase, maintenanceDatabaseFor } from '../postgres/databaseAdmin';
import type { PgConnection } from '../postgres/PgConnection';
import { compareRestoredDatabase, loadDump, openRestoreTransport, restoreJobs } from '../postgres/postgresRestore';
import type { RedisInventory } from '../redis/redisBackup';
import type { PostgresInventory } from '../postgres/inventory';
import { WORKFLOWS_ARTIFACT_KIND } from '../backupSet/manifest';
import { readExportedWorkflows, type SqliteWorkflowsInventory } from '../backupSet/workflowsFile';
import { compareKeyCounts } from '../redis/redisReadiness';
import type { FilesInventory } from '../volume/filesBackup';
import { restoreVolume } from '../volume/volumeRestore';
import type { VolumeInventory } from '../volume/volumeBackup';
import { countTree } from './countTree';
import { loadRdbInScratchRedis, type ScratchRedis } from './scratchRedis';
import { lastName, parentPlace, type Location, showPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { recordDrill } from '../backupSet/drillHistory';
import { PHYSICAL_FORMAT } from '../postgres/baseBackup';
import { restoreToPointInTime } from '../postgres/pitrRestore';

export interface DrillOptions {
	/** Opens the set's encrypted artifacts (age identities or passphrases). */
	keys?: DecryptionKeys;
	/** Whose signed sets to accept (public keys), or to accept unsigned ones where that is risky. */
	trust?: TrustOptions;
	/** A run folder, or a set folder for its newest complete set: a path, or a place opened with openPlace (a bucket). */
	setPath: Location;
	/** A server to create a scratch database on (its `database` is ignored). */
	postgres?: {
		method: 'docker' | 'local';
		connection: PgConnection;
		docker?: { connection: DockerConnection; container: string };
		pgDumpPath?: string;
		jobs?: number | string;
	};
	redis?: ScratchRedis;
	/** Where temp folders for volumes go (default: the system temp folder). */
	scratchDir?: string;
	log?: Logger;
}

export interface DrillCheck {
	artifact: string;
	kind: string;
	result: 'pass' | 'fail';
	scratch: string | null;
	summary: string;
	differences: string[];
}

export interface DrillVerdict {
	set: string;
	path: string;
	startedAt: string | null;
	verdict: 'pass' | 'fail';
	checks: DrillCheck[];
	/** Every difference of every check, prefixed with its artifact. */
	differences: string[];
	durationMs: number;
	/** Where the verdict was kept (the run folder's drills/), or null when it could not be written. */
	recorded: string | null;
}

type Checker = (
	set: VerifiedSet,
	artifact: ArtifactRecord,
	options: DrillOptions,
	log: Logger,
) => Promise<Omit<DrillCheck, 'artifact' | 'kind' | 'result'>>;

const checkPostgres: Checker = async (set, artifact, options, log) => {
	if (artifact.format === PHYSICAL_FORMAT) return checkBaseBackup(set, artifact, options, log);
	if (!options.postgres)
		return { scratch: null, summary: 'not drilled', differences: ['no scratch Postgres server was given, so the dump was not restored'] };
	const scratch = `n8n_stack_drill_${randomBytes(5).toString('hex')}`;
	const transport = await openRestoreTransport({ ...options.postgres, connection: { ...options.postgres.connection, database: scratch } });
	const admin = await transport.openSession(maintenanceDatabaseFor(scratch));
	try {
		await createDatabase(admin, scratch, transport.errorContext('drill').where);
		try {
			log.info(`Drill: restoring ${artifact.file} into scratch database "${scratch}"`);
			await loadDump(transport, set, scratch, { jobs: restoreJobs(options.postgres.jobs), log });
			const comparison = await compareRestoredDatabase(transport, set, scratch);
			return {
				scratch,
				summary: `${comparison.tablesChecked} tables, ${comparison.rowsChecked} rows, ${comparison.workflowsChecked} n8n workflows compared`,
				differences: comparison.differences,
			};
		} finally {
			await dropDatabase(admin, scratch).catch((error: Error) =>
				log.warn(`Could not drop scratch database "${scratch}": ${error.message}`),
			);
		}
	} finally {
		await admin.close();
	}
};

/**
 * A base backup's drill is a point-in-time recovery: the base backup and all WAL collected since,
 * into a scratch container made like the Postgres container; pg_verifybackup checks the extracted
 * base backup first, and the recovered workflows are compared with the newest WAL batch's.
 */
const checkBaseBackup: Checker = async (set, _artifact, options, log) => {
	const docker = options.postgres?.docker;
	if (!docker) {
		return {
			scratch: null,
			summary: 'not drilled',
			differences: [
				'a base backup is drilled in a scratch container made like the Postgres container: give the container (the Docker method)',
			],
		};
	}
	const setFolder = parentPlace(set.place);
	const result = await restoreToPointInTime({
		root: parentPlace(setFolder),
		setName: lastName(setFolder),
		to: 'latest',
		baseRun: set.place,
		docker: docker.connection,
		target: { type: 'scratch', likeContainer: docker.container },
		verifyBaseBackup: true,
		keys: options.keys,
		trust: options.trust,
		log,
	});
	const workflows = result.workflows ? Object.keys(result.workflows).length : 0;
	return {
		scratch: result.container,
		summary: `base backup and ${result.walFiles} WAL file(s) recovered to ${result.target} in ${Math.round(result.recoveryMs / 100) / 10} s; pg_verifybackup: ${result.verifyOutput}; ${workflows} n8n workflows compared with ${result.comparedWith ?? 'nothing'}`,
		differences: result.differences,
	};
};

const checkRedis: Checker = async (set, artifact, options, log) => {
	if (!options.redis)
		return { scratch: null, summary: 'not drilled', differences: ['no scratch Redis was given, so the RDB was not loaded'] };
	log.info(`Drill: loading ${artifact.file} into a scratch Redis (${options.redis.type})`);
	const keys = await loadRdbInScratchRedis(options.redis, openArtifact(set, artifact), artifact.rawSize);
	const expected = (set.manifest.inventory.redis as RedisInventory | undefined)?.keys;
	const total = Object.values(keys).reduce((a, b) => a + b, 0);
	const scratch = { container: 'scratch container', local: 'scratch redis-server', url: 'empty Redis (flushed afterwards)' }[
		options.redis.type
	];
	return { scratch, summary: `${total} keys loaded`, differences: compareKeyCounts(keys, expected) };
};

const checkVolume: Checker = async (set, _artifact, options, log) => {
	const dir = await fs.mkdtemp(join(options.scratchDir ?? tmpdir(), 'n8n-stack-drill-'));
	try {
		await restoreVolume({ setPath: set.dir, verified: set, target: { type: 'dir', path: dir }, log });
		const found = await countTree(dir);
		const expected = set.manifest.inventory.volume as VolumeInventory | undefined;
		const differences: string[] = [];
		if (!expected) differences.push('the manifest has no volume inventory to compare with');
		else {
			if (found.files !== expected.files) differences.push(`${found.files} files restored, the manifest says ${expected.files}`);
			if (found.bytes !== expected.bytes) differences.push(`${found.bytes} bytes restored, the manifest says ${expected.bytes}`);
			if (found.symlinks !== expected.symlinks)
				differences.push(`${found.symlinks} symlinks restored, the manifest says ${expected.symlinks}`);
		}
		return { scratch: dir, summary: `${found.files} files, ${found.bytes} bytes restored`, differences };
	} finally {
		await fs.rm(dir, { recursive: true, force: true });
	}
};

const checkFiles: Checker = async (set, artifact) => {
	const record = (set.manifest.inventory.files as FilesInventory | undefined)?.files.find((f) => f.file === artifact.file);
	if (!record) return { scratch: null, summary: 'not compared', differences: ['the manifest has no record of this file'] };
	const measured = new MeasuringStream({ hash: true });
	const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
	await pipeline(openArtifact(set, artifact), measured, discard);
	const { bytes, sha256 } = measured.result();
	const differences: string[] = [];
	if (bytes !== record.size) differences.push(`${record.path}: ${bytes} bytes, the manifest says ${record.size}`);
	else if (sha256 !== record.sha256) differences.push(`${record.path}: content differs from the backup (sha256)`);
	return { scratch: null, summary: `${record.path}: ${bytes} bytes decompressed and compared`, differences };
};

/** n8n's export JSON: every workflow of the dump's inventory is there, whole enough for `n8n import:workflow`. */
const checkWorkflows: Checker = async (set, artifact) => {
	const expected =
		(set.manifest.inventory.postgres as PostgresInventory | undefined)?.n8n?.workflows ??
		(set.manifest.inventory[WORKFLOWS_ARTIFACT_KIND] as Partial<SqliteWorkflowsInventory> | undefined)?.records ??
		[];
	const missing = new Set(expected.map((w) => w.id));
	const differences: string[] = [];
	let count = 0;
	for await (const workflow of readExportedWorkflows(openArtifact(set, artifact))) {
		count++;
		missing.delete(String(workflow.id));
		if (!Array.isArray(workflow.nodes) || typeof workflow.connections !== 'object' || typeof workflow.name !== 'string')
			differences.push(`workflow ${String(workflow.id)} lacks its name, nodes or connections`);
	}
	if (count !== expected.length) differences.push(`${count} workflows exported, the set's inventory lists ${expected.length}`);
	if (missing.size) differences.push(`not exported: ${[...missing].slice(0, 10).join(', ')}`);
	return { scratch: null, summary: `${count} workflows read as n8n export JSON`, differences };
};

const CHECKERS: Record<string, Checker> = {
	postgres: checkPostgres,
	redis: checkRedis,
	volume: checkVolume,
	files: checkFiles,
	[WORKFLOWS_ARTIFACT_KIND]: checkWorkflows,
};

/**
 * A restore drill: verifies the checksums, restores each artifact into a
 * scratch target (scratch database, throwaway Redis, temp folder), compares
 * what came back with the manifest, and removes the scratch target again.
 * It never touches the live target, and it never throws for a bad set: the
 * verdict says what failed.
 */
export async function runRestoreDrill(typed: DrillOptions): Promise<DrillVerdict> {
	const began = Date.now();
	// What the user typed is checked before any set is read or any scratch target made.
	const options: DrillOptions = typed.postgres
		? { ...typed, postgres: { ...typed.postgres, jobs: restoreJobs(typed.postgres.jobs) } }
		: typed;
	const log = options.log ?? silentLogger;
	const verdict = (path: string, startedAt: string | null, checks: DrillCheck[], extra: string[] = []): DrillVerdict => {
		const differences = [...extra, ...checks.flatMap((c) => c.differences.map((d) => `${c.artifact}: ${d}`))];
		return {
			set: path.split('/').slice(-2, -1)[0] ?? path,
			path,
			startedAt,
			verdict: differences.length === 0 && checks.length > 0 ? 'pass' : 'fail',
			checks,
			differences: checks.length === 0 && differences.length === 0 ? ['the set holds no artifact'] : differences,
			durationMs: Date.now() - began,
			recorded: null,
		};
	};
	// The verdict joins the run's drill history; a root we may not write to costs the history, not the drill.
	const keep = async (run: Place | null, result: DrillVerdict): Promise<DrillVerdict> => {
		if (!run) return result;
		try {
			return { ...result, recorded: showPlace(await recordDrill(run, result)) };
		} catch (error) {
			log.warn(`Could not keep the drill's verdict in ${showPlace(run)}: ${(error as Error).message}`);
			return result;
		}
	};
	let set: VerifiedSet;
	try {
		set = await verifySetForRestore(options.setPath, log, options.keys, options.trust);
	} catch (error) {
		if (!isStackBackupError(error)) throw error;
		const run = await resolveRunFolder(options.setPath).catch(() => null);
		const path = run ? showPlace(run) : typeof options.setPath === 'string' ? options.setPath : showPlace(options.setPath);
		return keep(run, verdict(path, null, [], [`${error.code}: ${error.message}`]));
	}
	const checks: DrillCheck[] = [];
	for (const artifact of set.manifest.artifacts) {
		const checker = CHECKERS[artifact.kind];
		try {
			const outcome = checker
				? await checker(set, artifact, options, log)
				: { scratch: null, summary: 'unknown kind', differences: [`no drill for artifacts of kind "${artifact.kind}"`] };
			checks.push({ artifact: artifact.file, kind: artifact.kind, result: outcome.differences.length ? 'fail' : 'pass', ...outcome });
		} catch (error) {
			const message = isStackBackupError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
			checks.push({
				artifact: artifact.file,
				kind: artifact.kind,
				result: 'fail',
				scratch: null,
				summary: 'restore failed',
				differences: [message],
			});
		}
	}
	const result = await keep(set.place, verdict(set.dir, set.manifest.startedAt, checks));
	log.info(`Drill of ${set.dir}: ${result.verdict.toUpperCase()}${result.differences.length ? ` (${result.differences.join('; ')})` : ''}`);
	return result;
}

/** What a failed drill throws where a failure must stop the run (n8n's Error When a Drill Fails). */
export function drillFailedError(failed: readonly DrillVerdict[]): StackBackupError {
	return new StackBackupError('DRILL_FAILED', `Restore drill failed for ${failed.map((v) => v.path).join(', ')}`, {
		hint: `${failed
			.flatMap((v) => v.differences)
			.slice(0, 10)
			.join('; ')}. The backup cannot be trusted to restore: check the set, and take a new backup.`,
		details: { sets: failed.map((v) => v.path) },
	});
}
