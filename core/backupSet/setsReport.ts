import { StackBackupError } from '../errors/StackBackupError';
import { latestCompleteSet } from './completeSets';
import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import { validateSetName } from './setName';
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
}

export interface SetsReport {
	createdAt: string;
	root: string;
	sets: SetReport[];
	totalBytes: number;
	warnings: string[];
	/** Sets with no complete run newer than the age limit (when one was given). */
	stale: string[];
	reportFile: string | null;
}

export interface SetsReportOptions {
	/** A folder, or a bucket opened with openPlace. */
	root: Location;
	/** As typed: a list, or one text of names separated by commas or new lines. */
	setNames: string | readonly string[];
	/** Fail (NO_RECENT_BACKUP) when a set has no complete run newer than this many hours, as typed; 0 or unset: no limit. */
	maxAgeHours?: number | string;
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
	const sets: SetReport[] = [];
	for (const name of optionList(options.setNames, 'setName') ?? []) {
		const newest = await latestCompleteSet(root, validateSetName(name));
		const m = newest?.manifest;
		sets.push({
			set: name,
			path: newest?.dir ?? null,
			startedAt: m?.startedAt ?? null,
			durationMs: m ? Date.parse(m.finishedAt) - Date.parse(m.startedAt) : null,
			ageHours: newest ? Math.round(((now.getTime() - newest.startedAt.getTime()) / 3_600_000) * 10) / 10 : null,
			bytes: m ? m.artifacts.reduce((n, a) => n + a.size, 0) : 0,
			artifacts: m ? m.artifacts.map((a) => ({ file: a.file, size: a.size, kind: a.kind })) : [],
			warnings: m?.warnings ?? [],
		});
	}
	const stale = limit > 0 ? sets.filter((s) => s.ageHours === null || s.ageHours > limit).map((s) => s.set) : [];
	const report: SetsReport = {
		createdAt: now.toISOString(),
		root: showPlace(root),
		sets,
		totalBytes: sets.reduce((n, s) => n + s.bytes, 0),
		warnings: sets.flatMap((s) => s.warnings.map((w) => `${s.set}: ${w}`)),
		stale,
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
	return report;
}
