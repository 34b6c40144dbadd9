import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { hostN8nVersion } from '../process/hostN8nVersion';
import { childPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { TOOL_NAME, TOOL_VERSION } from './manifest';
import { runFolderName } from './runFolderName';

/**
 * Drill verdicts live in the run folder they judge, outside the sealed
 * manifest's checksums: a drill adds history to a set, it never changes it.
 */
export const DRILLS_FOLDER = 'drills';
export const DRILL_RECORD_FORMAT = 'n8n-stack-backup/drill';

// "<finish time as a run folder name>-<6 hex>.json": a name sort is a time sort, two drills never collide.
const DRILL_FILE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-f]{6}\.json$/;

export interface DrillRecord {
	format: typeof DRILL_RECORD_FORMAT;
	verdict: 'pass' | 'fail';
	/** When the drill finished. */
	at: string;
	durationMs: number;
	differences: string[];
	checks: Array<{ artifact: string; kind: string; result: 'pass' | 'fail'; summary: string }>;
	/** Where it ran: the machine, the process, and the n8n it ran in (absent from the CLI). */
	ranOn: { host: string; pid: number; tool: string; n8n?: string };
}

/** What a listing shows of a run's drills: the newest verdict, and the newest passing one. */
export interface DrillSummary {
	last: { verdict: 'pass' | 'fail'; at: string } | null;
	lastPassAt: string | null;
}

export function isDrillFileName(name: string): boolean {
	return DRILL_FILE.test(name);
}

/** Writes one drill's verdict into the run folder it judged (atomically: whole or absent). */
export async function recordDrill(
	run: Place,
	verdict: Pick<DrillRecord, 'verdict' | 'durationMs' | 'differences' | 'checks'>,
	at = new Date(),
): Promise<Place> {
	const folder = childPlace(run, DRILLS_FOLDER);
	const n8n = hostN8nVersion();
	const record: DrillRecord = {
		format: DRILL_RECORD_FORMAT,
		verdict: verdict.verdict,
		at: at.toISOString(),
		durationMs: verdict.durationMs,
		differences: verdict.differences,
		checks: verdict.checks.map(({ artifact, kind, result, summary }) => ({ artifact, kind, result, summary })),
		ranOn: { host: hostname(), pid: process.pid, tool: `${TOOL_NAME} ${TOOL_VERSION}`, ...(n8n ? { n8n } : {}) },
	};
	await folder.storage.makeFolder(folder.key);
	const file = childPlace(folder, `${runFolderName(at)}-${randomBytes(3).toString('hex')}.json`);
	await file.storage.writeText(file.key, `${JSON.stringify(record, null, 2)}\n`);
	return file;
}

/** The drill files of a run folder, oldest first (by name: a time sort). */
export async function drillFiles(run: Place): Promise<string[]> {
	const folder = childPlace(run, DRILLS_FOLDER);
	return (await folder.storage.list(folder.key))
		.filter((e) => e.kind === 'file' && DRILL_FILE.test(e.name))
		.map((e) => e.name)
		.sort();
}

/** A drill file's record; null when it is unreadable (a damaged record is no verdict). */
export async function readDrill(run: Place, name: string): Promise<DrillRecord | null> {
	const file = childPlace(childPlace(run, DRILLS_FOLDER), name);
	try {
		const record = JSON.parse((await file.storage.readText(file.key)) ?? 'null') as DrillRecord | null;
		return record?.format === DRILL_RECORD_FORMAT && (record.verdict === 'pass' || record.verdict === 'fail') ? record : null;
	} catch {
		return null;
	}
}

/**
 * A run's newest verdict and its newest pass. One listing of the drills
 * folder; records are read newest first and only until both are known.
 */
export async function summarizeDrills(run: Place): Promise<DrillSummary> {
	const names = await drillFiles(run);
	let last: DrillSummary['last'] = null;
	let lastPassAt: string | null = null;
	for (const name of [...names].reverse()) {
		const record = await readDrill(run, name);
		if (!record) continue;
		last ??= { verdict: record.verdict, at: record.at };
		if (record.verdict === 'pass') {
			lastPassAt = record.at;
			break;
		}
	}
	return { last, lastPassAt };
}

/** How many of a set's newest runs are searched for its newest drills: drills judge recent runs. */
export const DRILL_SEARCH_RUNS = 30;

export interface SetDrillSummary {
	/** The newest verdict among the set's recent runs, and the run it judged. */
	last: { verdict: 'pass' | 'fail'; at: string; run: string } | null;
	lastPass: { at: string; run: string } | null;
}

/** The newest drill verdict and the newest pass across a set's runs (given newest first; the first DRILL_SEARCH_RUNS are read). */
export async function summarizeSetDrills(runs: ReadonlyArray<{ name: string; place: Place }>): Promise<SetDrillSummary> {
	const summaries = [];
	for (const run of runs.slice(0, DRILL_SEARCH_RUNS)) summaries.push({ run: run.name, drills: await summarizeDrills(run.place) });
	return combineDrills(summaries);
}

/** The set's newest verdict and newest pass, from its runs' summaries (newest runs first; the first DRILL_SEARCH_RUNS count). */
export function combineDrills(runs: ReadonlyArray<{ run: string; drills: DrillSummary }>): SetDrillSummary {
	let last: SetDrillSummary['last'] = null;
	let lastPass: SetDrillSummary['lastPass'] = null;
	for (const { run, drills } of runs.slice(0, DRILL_SEARCH_RUNS)) {
		if (drills.last && (!last || drills.last.at > last.at)) last = { ...drills.last, run };
		if (drills.lastPassAt && (!lastPass || drills.lastPassAt > lastPass.at)) lastPass = { at: drills.lastPassAt, run };
	}
	return { last, lastPass };
}
