import type { DecryptionKeys } from '../archive/ageKeys';
import { readRecoveryPlan, type PlannedSet, type RecoveryPlan } from '../backupSet/recoveryPlan';
import { runFolderName } from '../backupSet/runFolderName';
import type { TrustOptions } from '../backupSet/setSigning';
import { createDockerClient, type DockerConnection } from '../docker/dockerConnection';
import { StackBackupError } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { aboutFields } from '../options/optionFields';
import { runPlanCommand } from './planCommand';
import type { EnvDiff } from './envDiff';
import { startN8nContainers, stopN8nContainers, type ContainerStates } from './n8nContainers';
import { assertN8nKnowsMigration, readN8nImage } from './n8nVersionCheck';
import { answersReady, waitForReadiness } from './readiness';
import { isBaseBackup, provePlannedSet, restorePlannedSet, startEarlyLoad, type PlannedRestore, type ProvenSet } from './restorePlannedSet';
import type { EarlyPostgresLoad } from './earlyPostgresLoad';
import type { RecoveryTarget } from '../postgres/pitrPlan';

export interface RecoverOptions {
	/** The backup root: a folder, or a bucket opened with openPlace. */
	root: Location;
	/** The newest plan written at or before this time; default the newest. */
	at?: Date;
	/** Bring Postgres base backups to this moment (or 'latest': all WAL collected); default the planned base backup's end. */
	to?: RecoveryTarget;
	/** Show the plan and verify the sets; stop, restore and start nothing. */
	dryRun?: boolean;
	docker: DockerConnection;
	keys?: DecryptionKeys;
	trust?: TrustOptions;
	/** For a Postgres reached over TCP; a container's own tools need none. */
	postgresPassword?: string;
	redisPassword?: string;
	/** The live config folder on this machine, when the plan's path (as n8n's container saw it) is not it. */
	configDir?: string;
	/** How long n8n may take to answer readiness after its start (default 300 s). */
	readinessTimeoutMs?: number;
	/** How long the plan's stop or start command may run (default 120 s). */
	commandTimeoutMs?: number;
	/** Run the commands of a plan read from a bucket (anyone who can write there could have written them). */
	trustPlanCommands?: boolean;
	log?: Logger;
	/** Progress: called when each step starts and when it ends. */
	onStep?: (step: RecoverStep, phase: 'start' | 'end') => void;
}

export interface RecoverStep {
	name: string;
	status: 'running' | 'done' | 'skipped' | 'failed';
	ms: number;
	/** What the step did, one line each. */
	lines: string[];
}

export interface RecoverResult {
	planPath: string;
	plan: RecoveryPlan;
	dryRun: boolean;
	steps: RecoverStep[];
	/** From the first step to n8n answering readiness (or the last step). */
	rtoMs: number;
	/** Differences between what was restored and the manifests. */
	differences: string[];
	workflowsChecked: number | null;
	configDir: string | null;
	envDiff: EnvDiff | null;
}

/** What each part of the stack was left as when a recovery stopped. */
type TargetState = 'untouched' | 'restored' | 'failed mid-restore';

/**
 * Brings the whole stack back from one night's plan: show the plan, verify every set, stop n8n,
 * restore Postgres, Redis and volumes, put the config files beside the live ones, start n8n,
 * wait for readiness, and check the workflows. A failure stops at once, leaves n8n stopped (it
 * must not start on half-restored data), and says what state each part is in.
 */
export async function recoverStack(options: RecoverOptions): Promise<RecoverResult> {
	const early: EarlySlot = { load: null };
	try {
		return await recoverSteps(options, early);
	} finally {
		// A recovery that stopped before its Postgres restore drops the dump it was loading.
		await early.load?.cancel();
	}
}

interface EarlySlot {
	load: EarlyPostgresLoad | null;
}

async function recoverSteps(options: RecoverOptions, early: EarlySlot): Promise<RecoverResult> {
	const log = options.log ?? silentLogger;
	const began = Date.now();
	const steps: RecoverStep[] = [];
	const step = async <T>(name: string, body: (lines: string[]) => Promise<T>): Promise<T> => {
		const current: RecoverStep = { name, status: 'running', ms: 0, lines: [] };
		steps.push(current);
		options.onStep?.(current, 'start');
		const t0 = Date.now();
		try {
			const value = await body(current.lines);
			current.status = 'done';
			return value;
		} catch (error) {
			current.status = 'failed';
			throw error;
		} finally {
			current.ms = Date.now() - t0;
			options.onStep?.(current, 'end');
		}
	};
	const skip = (name: string, why: string) => {
		const skipped: RecoverStep = { name, status: 'skipped', ms: 0, lines: [why] };
		steps.push(skipped);
		options.onStep?.(skipped, 'end');
	};

	const root = openPlace(options.root, 'root');
	const docker = createDockerClient(options.docker);
	const { plan, path: planPath } = await step('plan', async (lines) => {
		const found = await readRecoveryPlan(root, options.at);
		lines.push(`${found.path} (written ${found.plan.createdAt})`, ...found.plan.sets.map(describePlanned));
		lines.push(`n8n: ${found.plan.n8n.containers.join(', ') || 'no containers'}; readiness ${found.plan.n8n.healthUrl ?? 'not checked'}`);
		for (const what of ['stop', 'start'] as const) {
			const command = found.plan.n8n[`${what}Command`];
			if (command) lines.push(`n8n's ${what} command: ${command}`);
		}
		assertPlanCommandsTrusted(found.plan, root, options.trustPlanCommands);
		return found;
	});
	const verified = await step('verify', async (lines) => {
		// Side by side: hashing is bound to one core, and the sets are independent. The first
		// failure in the plan's order is the one reported, whichever finished first.
		// A proven Postgres dump starts loading beside its target meanwhile, unless nothing is to be
		// restored, or another set has already failed its check.
		let loadsEarly = !options.dryRun && !options.to;
		const prove = (planned: PlannedSet) =>
			provePlannedSet(planned, childPlace(root, planned.set, planned.run), { log, keys: options.keys, trust: options.trust }).then(
				(proven) => {
					if (loadsEarly) early.load ??= startEarlyLoad(planned, proven, { ...options, log });
					return proven;
				},
				(error: unknown) => {
					loadsEarly = false;
					throw planRunGone(error, planned);
				},
			);
		// The database's proof goes first, alone: its load, the longest step, starts a second sooner
		// than it would with the volume archive hashed beside it on the same core.
		const databases = plan.sets
			.filter((planned) => planned.target.kind === 'postgres')
			.map((planned) => [planned, prove(planned)] as const);
		const databasesProven = Promise.allSettled(databases.map(([, proof]) => proof));
		const settled = await Promise.allSettled(
			plan.sets.map((planned) => databases.find(([first]) => first === planned)?.[1] ?? databasesProven.then(() => prove(planned))),
		);
		const sets: ProvenSet[] = [];
		settled.forEach((outcome, i) => {
			if (outcome.status === 'rejected') throw outcome.reason;
			sets.push(outcome.value);
			const planned = plan.sets[i];
			lines.push(`${planned.set}/${planned.run}: checksums${options.trust?.publicKeys?.length ? ' and signature' : ''} match`);
		});
		if (early.load)
			lines.push(
				`${early.load.set}: loading meanwhile into database "${early.load.loading}", beside its target; nothing n8n uses changes before its restore step`,
			);
		return sets;
	});
	await step('check n8n version', async (lines) => {
		const database = plan.sets.find((s) => s.n8nLastMigration);
		const needed = database?.n8nLastMigration;
		if (!needed) {
			lines.push("the plan's database records no n8n migration: nothing to check");
			return;
		}
		for (const container of plan.n8n.containers) {
			const facts = await readN8nImage(docker, options.docker, container);
			if (!facts) lines.push(`${container}: not on this Docker Engine, not checked`);
			else if (!facts.newestMigration) lines.push(`${container} (${facts.image}): not laid out like n8n's image, not checked`);
			else {
				assertN8nKnowsMigration(facts, needed, database?.n8nVersion ?? null);
				lines.push(
					`${container} (${facts.image}${facts.version ? `, n8n ${facts.version}` : ''}) knows the backup's last migration ${needed}`,
				);
			}
		}
	});
	if (options.to && !verified.some((proven) => isBaseBackup(proven.set))) {
		throw new StackBackupError(
			'PITR_UNSUPPORTED',
			"A moment to recover to was given, but the plan's Postgres set is a dump, not a base backup",
			{
				hint: 'Point-in-time recovery needs a base backup (Postgres Dump in the Physical format) and collected WAL. Recover without a moment to restore the nightly dump. Nothing was stopped or restored.',
			},
		);
	}
	const result: RecoverResult = {
		planPath,
		plan,
		dryRun: Boolean(options.dryRun),
		steps,
		rtoMs: 0,
		differences: [],
		workflowsChecked: null,
		configDir: null,
		envDiff: null,
	};
	if (options.dryRun) {
		skip('stop n8n', 'dry run: nothing was stopped, restored or started');
		result.rtoMs = Date.now() - began;
		return result;
	}

	const states = new Map<string, TargetState>(plan.sets.map((s) => [s.set, 'untouched']));
	let containers: ContainerStates = { stopped: [], wasDown: [], missing: [] };
	const commandTimeout = options.commandTimeoutMs ?? 120_000;
	let commandStopped = false;
	try {
		// A dump that failed to load has changed nothing yet: say so before n8n is stopped.
		early.load?.throwIfFailed();
		containers = await step('stop n8n', async (lines) => {
			const found = await stopN8nContainers(docker, options.docker, plan.n8n.containers, log);
			lines.push(...containerLines(found));
			if (plan.n8n.stopCommand) {
				commandStopped = true;
				await runPlanCommand(plan.n8n.stopCommand, 'stop', commandTimeout, log);
				lines.push(`ran: ${plan.n8n.stopCommand}`);
			} else if (!found.stopped.length) await assertN8nNotRunning(plan.n8n.healthUrl);
			return found;
		});
		const stamp = runFolderName(new Date());
		for (const [i, planned] of plan.sets.entries()) {
			const restored: PlannedRestore = await step(`restore ${planned.set}`, async (lines) => {
				states.set(planned.set, 'failed mid-restore');
				const loadedEarly = early.load?.set === planned.set ? early.load.take() : undefined;
				const done = await restorePlannedSet(planned, verified[i], { ...options, log, stamp, root }, loadedEarly);
				states.set(planned.set, 'restored');
				lines.push(done.summary, ...done.differences.map((d) => `DIFFERS: ${d}`));
				return done;
			});
			result.differences.push(...restored.differences.map((d) => `${planned.set}: ${d}`));
			if (restored.workflowsChecked !== undefined) result.workflowsChecked = restored.workflowsChecked;
			if (restored.configDir) {
				result.configDir = restored.configDir;
				result.envDiff = restored.envDiff ?? null;
			}
		}
	} catch (error) {
		throw stoppedAt(error, plan, states, containers, commandStopped);
	}
	const started = await step('start n8n', async (lines) => {
		if (plan.n8n.startCommand) {
			await runPlanCommand(plan.n8n.startCommand, 'start', commandTimeout, log);
			lines.push(`ran: ${plan.n8n.startCommand}`);
		}
		const containersStarted = await startN8nContainers(docker, options.docker, containers, log);
		if (containersStarted.length) lines.push(`started ${containersStarted.join(', ')}`);
		else if (!plan.n8n.startCommand) lines.push('no n8n container to start here: start n8n your own way now');
		return containersStarted.length > 0 || Boolean(plan.n8n.startCommand);
	});
	if (plan.n8n.healthUrl && !started)
		skip('readiness', `nothing was started here: once you start n8n, it answers at ${plan.n8n.healthUrl}`);
	else if (plan.n8n.healthUrl) {
		const url = plan.n8n.healthUrl;
		await step('readiness', async (lines) => {
			const ms = await waitForReadiness(url, options.readinessTimeoutMs ?? 300_000);
			lines.push(`${url} answered ready after ${Math.round(ms / 100) / 10} s`);
		});
	} else skip('readiness', 'the plan names no readiness URL');
	result.rtoMs = Date.now() - began;
	await step('compare workflows', async (lines) => {
		lines.push(
			result.workflowsChecked === null
				? 'no n8n database in this plan'
				: `${result.workflowsChecked} workflows checked against the manifest: ${result.differences.length ? `${result.differences.length} differences` : 'all match'}`,
		);
	});
	return result;
}

function describePlanned(planned: PlannedSet): string {
	const t = planned.target;
	const where =
		t.kind === 'postgres'
			? `database "${t.database}" ${t.container ? `in container ${t.container}` : `on ${t.host}:${t.port}`}`
			: t.kind === 'redis'
				? `Redis container ${t.container}`
				: t.kind === 'volume'
					? `volume ${t.volume}`
					: t.kind === 'dir'
						? `folder ${t.path}`
						: `${t.files.length} config files beside ${t.dir}`;
	return `${planned.set}/${planned.run} -> ${where}`;
}

function containerLines(states: ContainerStates): string[] {
	return [
		...(states.stopped.length ? [`stopped ${states.stopped.join(', ')}`] : []),
		...(states.wasDown.length ? [`already down: ${states.wasDown.join(', ')}`] : []),
		...(states.missing.length ? [`not on this Docker Engine: ${states.missing.join(', ')} (start n8n your own way afterwards)`] : []),
	];
}

/** The failure, with the state of every part and what to run next. */
function stoppedAt(
	error: unknown,
	plan: RecoveryPlan,
	states: Map<string, TargetState>,
	containers: ContainerStates,
	commandStopped: boolean,
): StackBackupError {
	const parts = [...states].map(([set, state]) => `${set}: ${state}`);
	const down = [...containers.stopped, ...containers.wasDown, ...(commandStopped ? ['by its stop command'] : [])];
	const state = `${parts.join('; ')}${down.length ? `; n8n (${down.join(', ')}) left stopped` : ''}`;
	const cause = error instanceof StackBackupError ? error : new StackBackupError('UNEXPECTED', (error as Error).message);
	return new StackBackupError(cause.code, `Recovery stopped: ${cause.message}. State: ${state}`, {
		hint: `${cause.hint ?? ''} Then run the recovery again: it verifies and restores every set of the plan from the start${
			down.length ? ', and starts n8n only once all of it is back' : ''
		}.`.trim(),
		details: { ...cause.details, states: Object.fromEntries(states), n8nLeftStopped: down, plan: plan.createdAt },
	});
}

/**
 * A plan's commands run on this machine. From a bucket, anyone who can write there could have
 * written them, so they run only when the user says they trust them; a dry run shows them.
 */
function assertPlanCommandsTrusted(plan: RecoveryPlan, root: Place, trusted: boolean | undefined): void {
	if (root.storage.kind !== 's3' || trusted || (!plan.n8n.stopCommand && !plan.n8n.startCommand)) return;
	throw new StackBackupError(
		'CONFIRMATION_REQUIRED',
		`The plan read from ${showPlace(root)} asks to run commands on this machine to stop and start n8n`,
		{
			hint: "Anyone who can write to the bucket could have written them: read them in the plan (a dry run shows them). If only you can write there, confirm that you trust the plan's commands, and run the recovery again.",
			details: aboutFields('trustPlanCommands'),
		},
	);
}

/**
 * Restoring under a running n8n corrupts what it writes meanwhile (its SQLite file, its
 * database). When the plan stops nothing (no container of n8n's running, no stop command) and
 * n8n answers, the recovery stops before anything is restored.
 */
async function assertN8nNotRunning(healthUrl: string | null): Promise<void> {
	if (!healthUrl || !(await answersReady(healthUrl))) return;
	throw new StackBackupError(
		'N8N_STILL_RUNNING',
		`n8n answers at ${healthUrl}, and the plan has no way to stop it (no container of its, no stop command)`,
		{
			hint: 'Stop n8n yourself (e.g. systemctl stop n8n), or write the plan with a stop and a start command, then run the recovery again. Nothing was restored.',
			details: { healthUrl },
		},
	);
}

// A plan names runs; retention may have pruned one since (an old plan), or it was moved.
function planRunGone(error: unknown, planned: PlannedSet): unknown {
	if (!(error instanceof StackBackupError) || error.code !== 'SET_NOT_FOUND') return error;
	return new StackBackupError('SET_NOT_FOUND', `The plan's run ${planned.set}/${planned.run} is gone: ${error.message}`, {
		hint: 'Retention removes old runs, so an old plan can name runs that are no longer kept. Take the newest plan (it names the newest runs), or restore each set on its own. Nothing was stopped or restored.',
		details: error.details,
	});
}
