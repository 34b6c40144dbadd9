import { StackBackupError } from '../errors/StackBackupError';
import { calendarPeriods } from './calendarPeriod';
import {
	CALENDAR_RULES,
	CALENDAR_RULE_FIELDS,
	parseKeepWithin,
	validatePolicy,
	type CalendarSpan,
	type RetentionPolicy,
} from './retentionPolicy';

export interface RetentionCandidate {
	id: string;
	time: Date;
	complete: boolean;
	/** The reason of a pin: a pinned set is always kept, and never takes a place a keep rule counts. */
	pinned?: string;
}

export type Verdict = 'keep' | 'delete';

export interface RetentionDecision {
	id: string;
	time: Date;
	complete: boolean;
	verdict: Verdict;
	reasons: string[];
}

export interface RetentionPlan {
	/** Complete sets, newest first. */
	sets: RetentionDecision[];
	/** Incomplete sets (crashed runs), newest first, judged by the grace period only. */
	incomplete: RetentionDecision[];
}

export interface PlanOptions {
	/** IANA zone the calendar periods are counted in (default UTC). */
	timeZone?: string;
	now?: Date;
	/** Incomplete sets younger than this are left alone: a run may still be writing them (default 24 h). */
	incompleteGraceMs?: number;
}

const DEFAULT_INCOMPLETE_GRACE_MS = 24 * 3_600_000;

function subtractSpan(from: Date, span: CalendarSpan): Date {
	const d = new Date(from.getTime() - (span.days * 24 + span.hours) * 3_600_000);
	d.setUTCMonth(d.getUTCMonth() - span.months - span.years * 12);
	return d;
}

/**
 * Decides, for every set, keep or delete, and why: restic's rules, ORed.
 * keep-last keeps the N newest sets. Each calendar rule keeps the newest set
 * of each of the N most recent periods that hold a set (a missed day is not
 * a period). keep-within keeps sets up to that far older than the newest
 * set, not than now, so a machine that was off keeps its history. The
 * newest complete set is always kept, and so is a pinned set, outside the
 * rules: it takes no place of keep-last nor any period. Pure: no clock, no disk.
 */
export function planRetention(
	candidates: readonly RetentionCandidate[],
	policy: RetentionPolicy,
	options: PlanOptions = {},
): RetentionPlan {
	const checked = validatePolicy(policy);
	const timeZone = options.timeZone ?? 'UTC';
	const byNewest = [...candidates].sort((a, b) => b.time.getTime() - a.time.getTime());
	const complete = byNewest.filter((c) => c.complete);

	const rules = CALENDAR_RULES.map((rule) => ({
		rule,
		left: (checked[CALENDAR_RULE_FIELDS[rule]] as number | undefined) ?? 0,
		last: undefined as string | undefined,
	}));
	const activeRules = rules.filter((r) => r.left > 0);
	const within = checked.keepWithin
		? {
				text: checked.keepWithin,
				cutoff: complete.length ? subtractSpan(complete[0].time, parseKeepWithin(checked.keepWithin)) : undefined,
			}
		: undefined;

	let unpinned = 0;
	const sets = complete.map(({ pinned, ...set }, index): RetentionDecision => {
		const reasons: string[] = [];
		if (index === 0) reasons.push('newest complete set (always kept)');
		if (pinned !== undefined) return { ...set, verdict: 'keep', reasons: [...reasons, `pinned: ${pinned}`] };
		const rank = unpinned++;
		if (checked.keepLast && rank < checked.keepLast) reasons.push(`keep-last: #${rank + 1} of ${checked.keepLast}`);
		if (activeRules.length) {
			const periods = calendarPeriods(set.time, timeZone);
			for (const r of activeRules) {
				if (r.left > 0 && periods[r.rule] !== r.last) {
					r.last = periods[r.rule];
					r.left--;
					reasons.push(`keep-${r.rule}: ${periods[r.rule]}`);
				}
			}
		}
		if (within?.cutoff && set.time.getTime() >= within.cutoff.getTime()) reasons.push(`keep-within ${within.text} of the newest set`);
		return { ...set, verdict: reasons.length ? 'keep' : 'delete', reasons: reasons.length ? reasons : ['matches no keep rule'] };
	});
	if (sets.length > 0 && sets.every((s) => s.verdict === 'delete')) {
		// Unreachable while the newest set is always kept; a guard against a future change.
		throw new StackBackupError('PRUNE_REFUSED', 'The retention plan would delete every set', { hint: 'Check the keep rules.' });
	}

	const now = options.now ?? new Date();
	const grace = options.incompleteGraceMs ?? DEFAULT_INCOMPLETE_GRACE_MS;
	const graceHours = Math.round((grace / 3_600_000) * 10) / 10;
	const incomplete = byNewest
		.filter((c) => !c.complete)
		.map((set): RetentionDecision => {
			const old = now.getTime() - set.time.getTime() >= grace;
			return {
				...set,
				verdict: old ? 'delete' : 'keep',
				reasons: [
					old
						? `incomplete (no manifest), older than the ${graceHours} h grace period`
						: `incomplete, but within the ${graceHours} h grace period: a run may still be writing it`,
				],
			};
		});
	return { sets, incomplete };
}
