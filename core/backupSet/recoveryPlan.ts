import { dirname } from 'node:path';
import { StackBackupError } from '../errors/StackBackupError';
import { optionList } from '../options/optionList';
import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import { latestCompleteSet } from './completeSets';
import { restoredKinds, type Manifest } from './manifest';
import { parseRunFolderName, runFolderName } from './runFolderName';
import { validateSetName } from './setName';

export const RECOVERY_PLAN_FORMAT = 'n8n-stack-backup/recovery-plan';
/** Plans live beside the sets, one per night, named like run folders so a name sort is a time sort. */
export const RECOVERY_PLANS_FOLDER = 'recovery-plans';

/** Where one set goes back to: read from its manifest's sources, so nobody has to remember it. */
export type PlanTarget =
	| { kind: 'postgres'; container?: string; host?: string; port?: number; database: string; user?: string }
	| { kind: 'redis'; container: string; port?: number; user?: string }
	| { kind: 'volume'; volume: string }
	| { kind: 'dir'; path: string }
	| { kind: 'files'; dir: string; files: string[] };

export interface PlannedSet {
	set: string;
	/** The run folder's name: that night's complete run of the set. */
	run: string;
	startedAt: string;
	target: PlanTarget;
	/** n8n's newest database migration, for a Postgres set of n8n's database. */
	n8nLastMigration?: string | null;
	/** The version of the n8n the backup ran in, where it ran in one. */
	n8nVersion?: string;
}

export interface N8nHooks {
	/** The containers that run n8n (main and workers): stopped during the restore, started after. */
	containers: string[];
	/** n8n's readiness URL, polled after the start (e.g. http://127.0.0.1:5678/healthz/readiness). */
	healthUrl: string | null;
	/**
	 * For an n8n that is not a container (a VM's service, a process): shell command lines that stop
	 * and start it, run by `sh -c` on the recovering machine (e.g. `systemctl stop n8n`). No secret.
	 */
	stopCommand?: string | null;
	startCommand?: string | null;
}

/** Plan commands are one line each, so a plan shows them whole. */
export function normalizeHooks(hooks: N8nHooks): N8nHooks {
	const command = (value: string | null | undefined, what: string): string | null => {
		const text = value?.trim() ?? '';
		if (!text) return null;
		if (/[\r\n]/.test(text) || text.length > 1000)
			throw planError(
				`The ${what} command is not one line of at most 1000 characters`,
				'Put longer steps into a script and give its path.',
			);
		return text;
	};
	const stopCommand = command(hooks.stopCommand, 'stop');
	const startCommand = command(hooks.startCommand, 'start');
	return {
		containers: hooks.containers,
		healthUrl: hooks.healthUrl,
		...(stopCommand ? { stopCommand } : {}),
		...(startCommand ? { startCommand } : {}),
	};
}

/** A night's recovery plan. It holds names and places only, never a secret. */
export interface RecoveryPlan {
	format: typeof RECOVERY_PLAN_FORMAT;
	formatVersion: 1;
	createdAt: string;
	/** In restore order: Postgres, Redis, volumes, then config files. */
	sets: PlannedSet[];
	n8n: N8nHooks;
}

const ORDER: Record<PlanTarget['kind'], number> = { postgres: 0, redis: 1, volume: 2, dir: 2, files: 3 };

function planError(message: string, hint: string): StackBackupError {
	return new StackBackupError('INVALID_INPUT', message, { hint });
}

/** Where a set's data came from, as its manifest recorded it; what the plan restores it into. */
export function targetOf(manifest: Manifest): PlanTarget {
	const kinds = restoredKinds(manifest);
	if (kinds.length !== 1)
		throw planError(`${manifest.set} holds ${kinds.join(', ')}`, 'A plan needs sets of one kind each, as the templates make them.');
	// What the backup steps recorded (see describeSource and friends); read, never trusted for more than names.
	const source = (manifest.sources[kinds[0]] ?? {}) as {
		method?: string;
		container?: string;
		host?: string;
		port?: number;
		database?: string;
		user?: string;
		type?: string;
		volume?: string;
		path?: string;
		url?: string;
		paths?: string[];
	};
	const named = (value: string | undefined, what: string): string => {
		if (typeof value === 'string' && value) return value;
		throw planError(
			`${manifest.set}'s manifest records no ${what}`,
			'This set was written by an older version; run the backup again, then write the plan.',
		);
	};
	switch (kinds[0]) {
		case 'postgres':
			return {
				kind: 'postgres',
				...(source.method === 'docker' ? { container: named(source.container, 'container') } : { host: source.host, port: source.port }),
				database: named(source.database, 'database'),
				...(source.user ? { user: source.user } : {}),
			};
		case 'redis':
			if (source.method !== 'docker')
				throw planError(
					`${manifest.set} was read from Redis at ${source.host}:${source.port}, not from a container`,
					'A recovery restores Redis into its container: back Redis up with the Docker method for a plan to cover it.',
				);
			return {
				kind: 'redis',
				container: named(source.container, 'container'),
				...(source.port ? { port: source.port } : {}),
				...(source.user ? { user: source.user } : {}),
			};
		case 'volume':
			if (source.type === 'volume') return { kind: 'volume', volume: named(source.volume, 'volume') };
			if (source.type === 'dir') return { kind: 'dir', path: named(source.path, 'folder') };
			throw planError(
				`${manifest.set} was read from ${source.url ?? 'a bucket'}`,
				'A recovery plan covers volumes and folders on this stack, not buckets.',
			);
		case 'files': {
			const paths = source.paths ?? [];
			const dirs = [...new Set(paths.map((p) => dirname(p)))];
			if (dirs.length !== 1)
				throw planError(
					`${manifest.set} holds files from ${dirs.length} folders`,
					'Keep the config files of a plan in one folder (the stack folder).',
				);
			return { kind: 'files', dir: dirs[0], files: paths.map((p) => p.slice(dirs[0].length + 1)) };
		}
		default:
			throw planError(`${manifest.set} holds ${kinds[0]}`, 'A recovery plan covers Postgres, Redis, volumes, folders and config files.');
	}
}

function lastMigrationOf(manifest: Manifest): string | null | undefined {
	const n8n = (manifest.inventory.postgres as { n8n?: { lastMigration?: { name?: string } | string | null } } | undefined)?.n8n;
	if (!n8n) return undefined;
	const last = n8n.lastMigration;
	return typeof last === 'string' ? last : (last?.name ?? null);
}

export interface WritePlanOptions {
	root: Location;
	setNames: string | readonly string[];
	n8n: N8nHooks;
	now?: Date;
}

/**
 * Writes tonight's plan next to the sets: the newest complete run of each set, where each goes
 * back to (from its manifest), and the n8n containers and health URL. A set with no complete run
 * fails the plan: a plan that silently leaves a part out would be found out at 3 am.
 */
export async function writeRecoveryPlan(options: WritePlanOptions): Promise<{ plan: RecoveryPlan; path: string }> {
	const root = openPlace(options.root, 'root');
	const n8n = normalizeHooks(options.n8n);
	const sets: PlannedSet[] = [];
	for (const name of optionList(options.setNames, 'setName') ?? []) {
		const newest = await latestCompleteSet(root, validateSetName(name));
		if (!newest)
			throw planError(`${name} has no complete set in ${showPlace(root)}`, 'Run the backups first; the plan is written after them.');
		const migration = lastMigrationOf(newest.manifest);
		sets.push({
			set: name,
			run: runFolderName(newest.startedAt),
			startedAt: newest.manifest.startedAt,
			target: targetOf(newest.manifest),
			...(migration !== undefined ? { n8nLastMigration: migration } : {}),
			...(newest.manifest.tool.n8n ? { n8nVersion: newest.manifest.tool.n8n } : {}),
		});
	}
	sets.sort((a, b) => ORDER[a.target.kind] - ORDER[b.target.kind]);
	const now = options.now ?? new Date();
	const plan: RecoveryPlan = { format: RECOVERY_PLAN_FORMAT, formatVersion: 1, createdAt: now.toISOString(), sets, n8n };
	const folder = childPlace(root, RECOVERY_PLANS_FOLDER);
	await folder.storage.makeFolder(folder.key);
	const file = childPlace(folder, `${runFolderName(now)}.json`);
	await file.storage.writeText(file.key, `${JSON.stringify(plan, null, 2)}\n`);
	return { plan, path: showPlace(file) };
}

/** The newest plan written at or before `at` (default: the newest), with where it is. */
export async function readRecoveryPlan(root: Location, at?: Date): Promise<{ plan: RecoveryPlan; path: string }> {
	const rootPlace = openPlace(root, 'root');
	const folder = childPlace(rootPlace, RECOVERY_PLANS_FOLDER);
	const plans = (await folder.storage.list(folder.key))
		.filter((e) => e.kind === 'file' && e.name.endsWith('.json'))
		.map((e) => ({ name: e.name, time: parseRunFolderName(e.name.slice(0, -'.json'.length)) }))
		.filter((p): p is { name: string; time: Date } => p.time !== null && (!at || p.time.getTime() <= at.getTime()))
		.sort((a, b) => b.time.getTime() - a.time.getTime());
	if (!plans.length)
		throw new StackBackupError(
			'PLAN_NOT_FOUND',
			`No recovery plan${at ? ` written at or before ${at.toISOString()}` : ''} in ${showPlace(folder)}`,
			{
				hint: 'The nightly templates write one after their backups; a plan can also be written after any backup. Without a plan, restore each set on its own.',
			},
		);
	const place = childPlace(folder, plans[0].name);
	const text = await place.storage.readText(place.key);
	let plan: RecoveryPlan;
	try {
		plan = JSON.parse(text ?? '') as RecoveryPlan;
	} catch {
		plan = {} as RecoveryPlan;
	}
	if (plan.format !== RECOVERY_PLAN_FORMAT || !Array.isArray(plan.sets) || !plan.n8n)
		throw new StackBackupError('MANIFEST_INVALID', `${showPlace(place)} is not a recovery plan of n8n-stack-backup`, {
			hint: 'Use an older plan (an earlier time), or restore each set on its own.',
		});
	return { plan, path: showPlace(place) };
}
