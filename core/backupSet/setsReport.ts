import { StackBackupError } from '../errors/StackBackupError';
import { latestAmong, runFolders } from './completeSets';
import { summarizeSetDrills, type SetDrillSummary } from './drillHistory';
import { childPlace, lastName, openPlace, showPlace, type Location } from '../storage/openPlace';
import { validateSetName } from './setName';
import { listBatchFiles } from './walArchive';
import { optionList } from '../options/optionList';
import { optionNumberOr } from '../options/optionNumber';

export interface SetReport {
	set: string;
	/** The newest complete run, or null when the set has none. */
	path: string | null;
	startedAt: string | null;
	durationMs: number | null;
	ageHours: number | null;
	bytes: number;
	artifacts: Array<{ file: string; size: number; kind: string }>;
	warnings: string[];
	/** The newest drill verdict among the set's recent runs, and its newest pass. */
	lastDrill: SetDrillSummary['last'];
	lastPassingDrill: SetDrillSummary['lastPass'];
	/** When WAL was last collected for the set (its newest batch), or null when it collects none. */
	walCollectedAt: string | null;
}

export interface SetsReport {
	createdAt: string;
	root: string;
	sets: SetReport[];
	totalBytes: number;
	warnings: string[];
	/** Sets with no complete run newer than the age limit (when one was given). */
	stale: string[];
	/** Sets with no passing drill within the drill limit (when one was given). */
	undrilled: string[];
	/** Sets that collect WAL and whose newest batch is older than the WAL limit (when one was given). */
	walStalled: string[];
	reportFile: string | null;
}

export interface SetsReportOptions {
	/** A folder, or a bucket opened with openPlace. */
	root: Location;
	/** As typed: a list, or one text of names separated by commas or new lines. */
	setNames: string | readonly string[];
	/** Fail (NO_RECENT_BACKUP) when a set has no complete run newer than this many hours, as typed; 0 or unset: no limit. */
	maxAgeHours?: number | string;
	/** Fail (NO_PASSING_DRILL) when a set has no passing drill newer than this many days, as typed; 0 or unset: no limit. */
	maxDaysWithoutPassingDrill?: number | string;
	/**
	 * Fail (WAL_STALLED) when a set that collects WAL has no batch newer than this many minutes, as
	 * typed; 0 or unset: no limit. Sets that never collected WAL are not judged.
	 */
	maxWalAgeMinutes?: number | string;
	/** Write the report as this file in the root (e.g. backup_report.json). */
	reportFile?: string;
	now?: Date;
}

/**
 * What the backup root holds for the given set names, read from manifests:
 * the newest complete run of each, its size, duration and warnings. Serves
 * the nightly run report and the watchdog that notices a silent scheduler.
 */
export async function reportSets(options: SetsReportOptions): Promise<SetsReport> {
	const root = openPlace(options.root, 'root');
	const now = options.now ?? new Date();
	const limit = optionNumberOr(options.maxAgeHours, { field: 'maxAgeHours', what: 'The age limit in hours', min: 0 }, 0);
	const drillDays = optionNumberOr(
		options.maxDaysWithoutPassingDrill,
		{ field: 'maxDaysWithoutPassingDrill', what: 'The drill age limit in days', min: 0 },
		0,
	);
	const walMinutes = optionNumberOr(
		options.maxWalAgeMinutes,
		{ field: 'maxWalAgeMinutes', what: 'The WAL age limit in minutes', min: 0 },
		0,
	);
	const sets: SetReport[] = [];
	for (const name of optionList(options.setNames, 'setName') ?? []) {
		// One listing of the set folder serves both: its newest complete run, and its recent drills.
		const folders = await runFolders(root, validateSetName(name));
		const newest = await latestAmong(folders, name);
		const m = newest?.manifest;
		const drills = await summarizeSetDrills(folders.map((r) => ({ name: lastName(r.place), place: r.place })));
		sets.push({
			set: name,
			path: newest?.dir ?? null,
			startedAt: m?.startedAt ?? null,
			durationMs: m ? Date.parse(m.finishedAt) - Date.parse(m.startedAt) : null,
			ageHours: newest ? Math.round(((now.getTime() - newest.startedAt.getTime()) / 3_600_000) * 10) / 10 : null,
			bytes: m ? m.artifacts.reduce((n, a) => n + a.size, 0) : 0,
			artifacts: m ? m.artifacts.map((a) => ({ file: a.file, size: a.size, kind: a.kind })) : [],
			warnings: m?.warnings ?? [],
			lastDrill: drills.last,
			lastPassingDrill: drills.lastPass,
			walCollectedAt: (await listBatchFiles(childPlace(root, name))).at(-1)?.at.toISOString() ?? null,
		});
	}
	const stale = limit > 0 ? sets.filter((s) => s.ageHours === null || s.ageHours > limit).map((s) => s.set) : [];
	const drillCutoff = new Date(now.getTime() - drillDays * 86_400_000).toISOString();
	const undrilled = drillDays > 0 ? sets.filter((s) => !s.lastPassingDrill || s.lastPassingDrill.at < drillCutoff).map((s) => s.set) : [];
	const walCutoff = new Date(now.getTime() - walMinutes * 60_000).toISOString();
	const walStalled = walMinutes > 0 ? sets.filter((s) => s.walCollectedAt && s.walCollectedAt < walCutoff).map((s) => s.set) : [];
	const report: SetsReport = {
		createdAt: now.toISOString(),
		root: showPlace(root),
		sets,
		totalBytes: sets.reduce((n, s) => n + s.bytes, 0),
		warnings: sets.flatMap((s) => s.warnings.map((w) => `${s.set}: ${w}`)),
		stale,
		undrilled,
		walStalled,
		reportFile: options.reportFile ? showPlace(childPlace(root, options.reportFile)) : null,
	};
	if (options.reportFile) {
		const file = childPlace(root, options.reportFile);
		await root.storage.makeFolder(root.key);
		await file.storage.writeText(file.key, `${JSON.stringify(report, null, 2)}\n`);
	}
	if (stale.length) {
		const detail = stale.map((name) => {
			const s = sets.find((x) => x.set === name)!;
			return s.ageHours === null ? `${name} (no complete set at all)` : `${name} (newest ${s.ageHours} h old)`;
		});
		throw new StackBackupError('NO_RECENT_BACKUP', `No complete backup newer than ${limit} h: ${detail.join(', ')}`, {
			hint: 'The nightly backup did not run or did not finish. Check that its workflow is published (active), that n8n was running at the scheduled time, and its last executions.',
			details: { stale },
		});
	}
	if (undrilled.length) throw noPassingDrill(sets, undrilled, drillDays);
	if (walStalled.length) {
		const detail = walStalled.map((name) => `${name} (newest batch ${sets.find((x) => x.set === name)!.walCollectedAt})`);
		throw new StackBackupError('WAL_STALLED', `WAL collection has not advanced for ${walMinutes} minutes: ${detail.join(', ')}`, {
			hint: 'Check that the WAL collection workflow is published (active) and read its last executions. Meanwhile the slot keeps WAL on the database server, and point-in-time recovery reaches only the newest batch.',
			details: { walStalled },
		});
	}
	return report;
}

function noPassingDrill(sets: readonly SetReport[], undrilled: readonly string[], days: number): StackBackupError {
	const detail = undrilled.map((name) => {
		const s = sets.find((x) => x.set === name)!;
		if (!s.lastDrill) return `${name} (never drilled)`;
		return s.lastPassingDrill
			? `${name} (last pass ${s.lastPassingDrill.at}, last drill ${s.lastDrill.verdict} ${s.lastDrill.at})`
			: `${name} (no drill ever passed; last drill ${s.lastDrill.verdict} ${s.lastDrill.at})`;
	});
	return new StackBackupError('NO_PASSING_DRILL', `No passing restore drill in ${days} days: ${detail.join(', ')}`, {
		hint: 'A backup that was never restored is not proven. Check that the weekly restore drill workflow is published (active) and read its last executions: a failed drill names what did not come back.',
		details: { undrilled },
	});
}
