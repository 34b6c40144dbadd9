import { invalidOption } from '../options/invalidOption';
import { aboutFields, type OptionField } from '../options/optionFields';
import { optionNumber } from '../options/optionNumber';
import { StackBackupError } from '../errors/StackBackupError';

/** Calendar rules, restic's names without the "keep-" prefix. */
export const CALENDAR_RULES = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type CalendarRule = (typeof CALENDAR_RULES)[number];

/** A policy as the user typed it: counts may arrive as text (the CLI, n8n expressions). */
export interface RetentionPolicy {
	keepLast?: number | string;
	keepHourly?: number | string;
	keepDaily?: number | string;
	keepWeekly?: number | string;
	keepMonthly?: number | string;
	keepYearly?: number | string;
	/** A duration such as "30d" or "1y6m": sets this close to the newest set are kept. */
	keepWithin?: string;
}

/** A policy that validatePolicy accepted: whole counts, a keep-within that parses. */
export interface ValidPolicy {
	keepLast?: number;
	keepHourly?: number;
	keepDaily?: number;
	keepWeekly?: number;
	keepMonthly?: number;
	keepYearly?: number;
	keepWithin?: string;
}

export const CALENDAR_RULE_FIELDS: Record<CalendarRule, keyof ValidPolicy & OptionField> = {
	hourly: 'keepHourly',
	daily: 'keepDaily',
	weekly: 'keepWeekly',
	monthly: 'keepMonthly',
	yearly: 'keepYearly',
};

/** The seeds' policy, and the node's default. */
export const DEFAULT_POLICY: ValidPolicy = { keepDaily: 7 };

export interface CalendarSpan {
	years: number;
	months: number;
	days: number;
	hours: number;
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?$/;

/** Parses restic-style durations: "30d", "2w", "1y6m", "12h". */
export function parseKeepWithin(text: string): CalendarSpan {
	const trimmed = text.trim();
	const m = DURATION.exec(trimmed);
	if (!trimmed || !m) {
		throw invalidOption(
			'keepWithin',
			`"${text}" is not a duration to keep sets within`,
			'Write it as a number and a unit: y (years), m (months), w (weeks), d (days), h (hours), combined if needed, e.g. "30d" or "1y6m".',
		);
	}
	const n = (i: number) => Number(m[i] ?? 0);
	const span = { years: n(1), months: n(2), days: n(3) * 7 + n(4), hours: n(5) };
	if (span.years + span.months + span.days + span.hours === 0) {
		throw invalidOption(
			'keepWithin',
			`The duration to keep sets within, "${text}", is zero`,
			'Give a duration longer than zero, e.g. "7d", or leave it empty.',
		);
	}
	return span;
}

const COUNT_WORDS: Record<'keepLast' | CalendarRule, string> = {
	keepLast: 'The number of last sets to keep',
	hourly: 'The number of hourly sets to keep',
	daily: 'The number of daily sets to keep',
	weekly: 'The number of weekly sets to keep',
	monthly: 'The number of monthly sets to keep',
	yearly: 'The number of yearly sets to keep',
};

function checkCount(field: keyof ValidPolicy & OptionField, what: string, value: number | string | undefined): number | undefined {
	return optionNumber(value, { field, what, min: 0, integer: true });
}

/** Refuses a policy that keeps nothing: pruning with it would mean "delete everything but the newest". */
export function validatePolicy(policy: RetentionPolicy): ValidPolicy {
	const valid: ValidPolicy = { keepLast: checkCount('keepLast', COUNT_WORDS.keepLast, policy.keepLast) };
	for (const rule of CALENDAR_RULES) {
		const field = CALENDAR_RULE_FIELDS[rule];
		valid[field] = checkCount(field, COUNT_WORDS[rule], policy[field]) as never;
	}
	const within = policy.keepWithin?.trim() ? policy.keepWithin.trim() : undefined;
	if (within) parseKeepWithin(within);
	const anyCount = [valid.keepLast, ...CALENDAR_RULES.map((r) => valid[CALENDAR_RULE_FIELDS[r]] as number | undefined)].some(
		(v) => (v ?? 0) > 0,
	);
	if (!anyCount && !within) {
		throw new StackBackupError('INVALID_INPUT', 'The retention policy is empty: no keep rule is set', {
			hint: 'Set at least one rule: for example keep 7 daily sets (the default), or the 10 last sets.',
			details: aboutFields('keepDaily', 'keepLast', 'keepWithin'),
		});
	}
	return { ...valid, keepWithin: within };
}

/** The policy as restic-style flags, for logs and reports. */
export function describePolicy(policy: ValidPolicy): string {
	const parts: string[] = [];
	if (policy.keepLast) parts.push(`keep-last ${policy.keepLast}`);
	for (const rule of CALENDAR_RULES) {
		const n = policy[CALENDAR_RULE_FIELDS[rule]] as number | undefined;
		if (n) parts.push(`keep-${rule} ${n}`);
	}
	if (policy.keepWithin) parts.push(`keep-within ${policy.keepWithin}`);
	return parts.join(', ');
}
