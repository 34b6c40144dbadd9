import { formatBytes } from '../storage/freeSpace';
import { invalidOption } from '../options/invalidOption';
import { optionNumberOr } from '../options/optionNumber';
import { childPlace, lastName, openPlace, showPlace, type Location } from '../storage/openPlace';
import { summarizeDrills, type DrillSummary } from './drillHistory';
import { readManifest, WORKFLOWS_ARTIFACT_KIND } from './manifest';
import { parseRunFolderName } from './runFolderName';
import { readPin } from './runPin';
import { validateSetName } from './setName';

export interface BrowsedRun {
	run: string;
	path: string;
	startedAt: string;
	ageHours: number;
	/** "5 h old", "12 d old". */
	age: string;
	bytes: number;
	/** The stored bytes for a person, e.g. "132.7 KiB". */
	size: string;
	kinds: string[];
	warnings: string[];
	pinned: string | null;
	lastDrill: DrillSummary['last'];
	/** n8n workflows in the set (a Postgres set of n8n's database), or null. */
	workflows: number | null;
	/** One line for a person: date, size, age, warnings, drill, pin. Unique within a page (it starts with the run). */
	label: string;
}

export interface RunsPage {
	set: string;
	path: string;
	/** Complete runs, newest first: at most `limit`. */
	runs: BrowsedRun[];
	/** Run folders of the set (complete or not): counted from one listing, no manifest read. */
	runFolders: number;
	/** The start time to give as `before` for the next (older) page, or null when this was the last. */
	olderThan: string | null;
}

export interface BrowseRunsOptions {
	/** The set folder: a path, or a place opened with openPlace (a bucket). */
	setFolder: Location;
	/** Only runs that started before this time (ISO text or a date), as typed; empty: the newest. */
	before?: string | Date;
	/** How many complete runs a page holds, as typed (default 50, 1 to 500). */
	limit?: number | string;
	now?: Date;
}

const DEFAULT_PAGE = 50;

function beforeTime(before: BrowseRunsOptions['before']): number {
	if (before === undefined || before === '') return Infinity;
	const time = before instanceof Date ? before.getTime() : Date.parse(before);
	if (Number.isNaN(time))
		throw invalidOption(
			'runsBefore',
			`"${String(before)}" is not a date and time`,
			'Give a time such as 2026-11-30 or 2026-11-30T02:00:00Z.',
		);
	return time;
}

function ageText(hours: number): string {
	if (hours < 48) return `${Math.max(0, Math.round(hours))} h old`;
	return `${Math.round(hours / 24)} d old`;
}

/**
 * One page of a set's complete runs, newest first, for a person choosing one
 * (the Backup Browser). The set folder is listed once, and manifests, pins
 * and drills are read only for the runs on the page, so a root of thousands
 * of runs answers as fast as one of fifty.
 */
export async function browseRuns(options: BrowseRunsOptions): Promise<RunsPage> {
	const set = openPlace(options.setFolder, 'setFolder');
	const setName = validateSetName(lastName(set));
	const limit = optionNumberOr(
		options.limit,
		{ field: 'pageSize', what: 'The number of runs on a page', min: 1, max: 500, integer: true },
		DEFAULT_PAGE,
	);
	const before = beforeTime(options.before);
	const now = (options.now ?? new Date()).getTime();
	const folders = (await set.storage.list(set.key))
		.filter((e) => e.kind === 'folder')
		.map((e) => ({ name: e.name, time: parseRunFolderName(e.name) }))
		.filter((f): f is { name: string; time: Date } => f.time !== null)
		.sort((a, b) => b.time.getTime() - a.time.getTime());
	const runs: BrowsedRun[] = [];
	let olderThan: string | null = null;
	for (const folder of folders) {
		if (folder.time.getTime() >= before) continue;
		if (runs.length === limit) {
			olderThan = runs[runs.length - 1].startedAt;
			break;
		}
		const place = childPlace(set, folder.name);
		// A run without a valid manifest of this set (crashed, foreign) is not offered.
		const manifest = await readManifest(place).catch(() => null);
		if (!manifest || manifest.set !== setName) continue;
		const [pin, drills] = await Promise.all([readPin(place), summarizeDrills(place)]);
		const bytes = manifest.artifacts.reduce((n, a) => n + a.size, 0);
		const ageHours = Math.round(((now - folder.time.getTime()) / 3_600_000) * 10) / 10;
		// The workflows.json count (Postgres and SQLite sets); older Postgres sets list them in the dump's inventory only.
		const inventory = manifest.inventory as { postgres?: { n8n?: { workflows?: unknown[] } } } & Record<string, unknown>;
		const exported = inventory[WORKFLOWS_ARTIFACT_KIND] as { workflows?: number } | undefined;
		const workflows = exported?.workflows ?? inventory.postgres?.n8n?.workflows?.length ?? null;
		const size = formatBytes(bytes);
		const age = ageText(ageHours);
		const warnings = manifest.warnings ?? [];
		const label = [
			`${folder.time.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
			size,
			age,
			workflows === null ? '' : `${workflows} workflows`,
			warnings.length ? `${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : '',
			drills.last ? `drill ${drills.last.verdict.toUpperCase()} ${drills.last.at.slice(0, 10)}` : 'never drilled',
			pin ? `pinned: ${pin.reason}` : '',
		]
			.filter(Boolean)
			.join(' · ');
		runs.push({
			run: folder.name,
			path: showPlace(place),
			startedAt: folder.time.toISOString(),
			ageHours,
			age,
			bytes,
			size,
			kinds: [...new Set(manifest.artifacts.map((a) => a.kind))],
			warnings,
			pinned: pin?.reason ?? null,
			lastDrill: drills.last,
			workflows,
			label,
		});
	}
	return { set: setName, path: showPlace(set), runs, runFolders: folders.length, olderThan };
}
