import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { DecryptionKeys } from '../archive/ageKeys';
import { openArtifact } from '../backupSet/openArtifact';
import { runFolderName } from '../backupSet/runFolderName';
import type { TrustOptions } from '../backupSet/setSigning';
import { checkSetForRestore } from '../backupSet/verifySet';
import { walTimelineFolder, type WalFileRecord } from '../backupSet/walArchive';
import { formatLsn } from '../backupSet/walPosition';
import { createDockerClient, type DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { StackBackupError } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import type { N8nInventory, PostgresInventory } from './inventory';
import type { Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { dataFolderOf, PitrDataFolder, type DataFolder } from './pitrDataFolder';
import { planPointInTime, type PitrPlan, type RecoveryTarget } from './pitrPlan';
import { scratchLabels, startScratchPostgres, waitForRecovery, workflowsIn, cleanUpAfterRecovery } from './pitrServer';
import { compareWorkflowChecksums } from './workflowChecksums';

export type PitrTarget =
	/** The stack's own Postgres container: its data volume is replaced (what was there is moved aside until the end). */
	| { type: 'container'; container: string; replaceData?: boolean }
	/** A new container made like `likeContainer` on a new volume, with no network; removed at the end unless kept. */
	| { type: 'scratch'; likeContainer: string; keep?: boolean };

export interface PointInTimeOptions {
	root: Location;
	setName: string;
	to: RecoveryTarget;
	/** Restore this base backup (a run folder) rather than the one the target chooses. */
	baseRun?: Place;
	docker: DockerConnection;
	target: PitrTarget;
	keys?: DecryptionKeys;
	trust?: TrustOptions;
	/** Run pg_verifybackup on the extracted base backup before the server starts on it. */
	verifyBaseBackup?: boolean;
	/** How long Postgres may take to replay the WAL (default 30 minutes). */
	recoveryTimeoutMs?: number;
	log?: Logger;
}

export interface PointInTimeResult {
	base: string;
	target: string;
	range: { from: string; to: string };
	walFiles: number;
	walBytes: number;
	container: string;
	dataFolder: string;
	/** The restored n8n workflows (id -> sha256), or null on a database that is not n8n's. */
	workflows: Record<string, string> | null;
	/** What the workflows were compared with: the last batch record (latest), the base backup (its end), or nothing (a moment between). */
	comparedWith: string | null;
	differences: string[];
	verifyOutput: string | null;
	recoveryMs: number;
	durationMs: number;
}

const DEFAULT_RECOVERY_TIMEOUT_MS = 30 * 60 * 1000;
const STEP_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Point-in-time recovery of a whole Postgres cluster: the base backup extracted into an empty
 * data folder, the WAL from its start staged beside it (each file checked against its sha256
 * as it is written, so a damaged one never reaches the server), recovery.signal with
 * restore_command and the target, then the server started and waited for until it has
 * promoted, and n8n's workflows read back.
 */
export async function restoreToPointInTime(options: PointInTimeOptions): Promise<PointInTimeResult> {
	const began = Date.now();
	const log = options.log ?? silentLogger;
	const plan = await planPointInTime(options.root, options.setName, options.to, options.baseRun, options.keys);
	const set = await checkSetForRestore(plan.base.set.place, log, options.keys, options.trust);
	const baseArtifact = set.manifest.artifacts.find((a) => a.format === 'physical')!;
	const wal = [...plan.reach.histories, ...plan.reach.files];
	log.info(
		`Base backup ${plan.base.set.dir} (WAL ${formatLsn(plan.base.startLsn)} to ${formatLsn(plan.base.endLsn)}), ${wal.length} WAL file(s) up to ${formatLsn(plan.reach.endLsn)}; target ${describeTarget(plan)}`,
	);
	const docker = createDockerClient(options.docker);
	const like = await inspect(
		docker,
		options.docker,
		options.target.type === 'container' ? options.target.container : options.target.likeContainer,
	);
	const stamp = runFolderName(new Date()).replace(/[^0-9TZ]/g, '');
	const scratchVolume = options.target.type === 'scratch' ? `n8n-stack-pitr-${randomBytes(4).toString('hex')}` : null;
	const folder: DataFolder = scratchVolume
		? { ...dataFolderOf(like), bind: `${scratchVolume}:/vol`, shown: `volume ${scratchVolume}` }
		: dataFolderOf(like);
	const data = new PitrDataFolder(docker, options.docker, folder, stamp, STEP_TIMEOUT_MS);
	const live = options.target.type === 'container' ? docker.getContainer(like.Id) : null;
	const wasRunning = Boolean(live && like.State.Running);
	let server: Docker.Container | null = null;
	let prepared = false;
	let succeeded = false;
	try {
		if (scratchVolume) await docker.createVolume({ Name: scratchVolume, Labels: scratchLabels() });
		if (live && wasRunning) {
			log.info(`Stopping ${like.Name.replace(/^\//, '')} to replace its cluster`);
			await live.stop({ t: 60 });
		}
		await data.prepare(options.target.type === 'container' && Boolean(options.target.replaceData));
		prepared = true;
		const filled = await data.fill({
			base: () => openArtifact(set, baseArtifact),
			wal: wal.map((f) => ({ name: f.name, size: f.rawSize, open: () => openWal(plan, f, options.keys) })),
			files: { 'recovery.signal': '', 'postgresql.auto.conf': recoveryConf(plan) },
			verify: Boolean(options.verifyBaseBackup),
		});
		log.info(`Cluster written into ${folder.shown}; starting Postgres to replay the WAL`);
		const recoveryStart = Date.now();
		if (live) {
			await live.start();
			server = live;
		} else server = await startScratchPostgres(docker, options.docker, like, folder, scratchVolume!);
		const connection = { user: plan.base.user ?? undefined, database: plan.base.database };
		await waitForRecovery(server, options.docker, connection, options.recoveryTimeoutMs ?? DEFAULT_RECOVERY_TIMEOUT_MS);
		const recoveryMs = Date.now() - recoveryStart;
		log.info(`Recovery ended after ${Math.round(recoveryMs / 100) / 10} s: the server has promoted`);
		const workflows = await workflowsIn(server, options.docker, connection);
		const expected = expectedWorkflows(plan, set.manifest.inventory.postgres as PostgresInventory | undefined);
		const differences = expected ? compareWorkflowChecksums(expected.workflows, workflows) : [];
		await cleanUpAfterRecovery(server, options.docker, folder.pgdata, data.replaced);
		succeeded = true;
		return {
			base: plan.base.set.dir,
			target: describeTarget(plan),
			range: { from: plan.range.from.toISOString(), to: plan.range.to.toISOString() },
			walFiles: wal.length,
			walBytes: wal.reduce((sum, f) => sum + f.rawSize, 0),
			container: (await server.inspect()).Name.replace(/^\//, ''),
			dataFolder: folder.shown,
			workflows,
			comparedWith: expected?.what ?? null,
			differences,
			verifyOutput: filled.verifyOutput,
			recoveryMs,
			durationMs: Date.now() - began,
		};
	} catch (error) {
		if (server && server !== live) await server.remove({ force: true }).catch(() => undefined);
		if (live) await live.stop({ t: 30 }).catch(() => undefined);
		let restored = !prepared;
		if (prepared && !scratchVolume) {
			restored = await data.rollBack().then(
				() => true,
				(e: Error) => (log.warn(`Putting the old data back failed too: ${e.message}`), false),
			);
		}
		// The server comes back on what it had, as it was before the restore began.
		if (live && wasRunning && restored) await live.start().catch(() => undefined);
		throw error instanceof StackBackupError ? error : mapDockerError(error, options.docker);
	} finally {
		const keep = options.target.type === 'scratch' && options.target.keep && succeeded;
		if (scratchVolume && !keep) {
			if (server && server !== live) await server.remove({ force: true }).catch(() => undefined);
			await docker
				.getVolume(scratchVolume)
				.remove()
				.catch(() => undefined);
		}
	}
}

async function inspect(docker: Docker, connection: DockerConnection, name: string): Promise<Docker.ContainerInspectInfo> {
	try {
		return await docker.getContainer(name).inspect();
	} catch (error) {
		throw mapDockerError(error, connection, name);
	}
}

function openWal(plan: PitrPlan, file: WalFileRecord, keys: DecryptionKeys | undefined) {
	// digestsPending: the sha256 is checked as the file streams, and a mismatch fails the write before Postgres starts.
	return openArtifact({ place: walTimelineFolder(plan.setPlace, file.timeline), keys, digestsPending: true }, file);
}

/** The cluster's own postgresql.auto.conf, and the recovery settings after it (later lines win). */
function recoveryConf(plan: PitrPlan): string {
	const lines = [
		'# n8n-stack-backup: point-in-time restore. The WAL is staged in the data folder (restore_command runs there).',
		`restore_command = 'cp n8n-stack-wal/%f "%p"'`,
		`recovery_target_action = 'promote'`,
		// Along the timelines the staged WAL holds: after an earlier point-in-time recovery, the newest.
		`recovery_target_timeline = 'latest'`,
	];
	// Postgres reads "2026-12-01 14:32:00.000+00", not the ISO form with T and Z.
	if (plan.targetTime) lines.push(`recovery_target_time = '${plan.targetTime.toISOString().replace('T', ' ').replace('Z', '+00')}'`);
	if (plan.target === 'base-end') lines.push(`recovery_target = 'immediate'`);
	return `${(plan.base.autoConf ?? '').trimEnd()}\n${lines.join('\n')}\n`;
}

function describeTarget(plan: PitrPlan): string {
	if (plan.targetTime) return plan.targetTime.toISOString();
	return plan.target === 'latest'
		? `latest (${plan.reach.endTime?.toISOString() ?? plan.base.endedAt.toISOString()})`
		: `the base backup's end`;
}

function expectedWorkflows(
	plan: PitrPlan,
	inventory: PostgresInventory | undefined,
): { workflows: Record<string, string>; what: string } | null {
	if (plan.target === 'latest' && plan.reach.lastBatch?.workflows) {
		return { workflows: plan.reach.lastBatch.workflows, what: `the WAL batch of ${plan.reach.lastBatch.collectedAt}` };
	}
	if (plan.target === 'latest' && !plan.reach.lastBatch) return fromInventory(inventory?.n8n, plan);
	if (plan.target === 'base-end') return fromInventory(inventory?.n8n, plan);
	return null;
}

function fromInventory(n8n: N8nInventory | undefined, plan: PitrPlan) {
	return n8n
		? {
				workflows: Object.fromEntries(n8n.workflows.map((w) => [w.id, w.sha256])),
				what: `the base backup of ${plan.base.set.startedAt.toISOString()}`,
			}
		: null;
}
