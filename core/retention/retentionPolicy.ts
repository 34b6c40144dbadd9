import { invalidInput } from '../errors/StackBackupError';

/** Calendar rules, restic's names without the "keep-" prefix. */
export const CALENDAR_RULES = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type CalendarRule = (typeof CALENDAR_RULES)[number];

export interface RetentionPolicy {
	keepLast?: number;
	keepHourly?: number;
	keepDaily?: number;
	keepWeekly?: number;
	keepMonthly?: number;
	keepYearly?: number;
	/** A duration such as "30d" or "1y6m": sets this close to the newest set are kept. */
	keepWithin?: string;
}

export const CALENDAR_RULE_FIELDS: Record<CalendarRule, keyof RetentionPolicy> = {
	hourly: 'keepHourly',
	daily: 'keepDaily',
	weekly: 'keepWeekly',
	monthly: 'keepMonthly',
	yearly: 'keepYearly',
};

/** The seeds' policy, and the node's default. */
export const DEFAULT_POLICY: RetentionPolicy = { keepDaily: 7 };

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
		throw invalidInput(
			`"${text}" is not a keep-within duration`,
			'Write it as a number and a unit: y (years), m (months), w (weeks), d (days), h (hours), combined if needed, e.g. "30d" or "1y6m".',
		);
	}
	const n = (i: number) => Number(m[i] ?? 0);
	const span = { years: n(1), months: n(2), days: n(3) * 7 + n(4), hours: n(5) };
	if (span.years + span.months + span.days + span.hours === 0) {
		throw invalidInput(`keep-within "${text}" is zero`, 'Give a duration longer than zero, e.g. "7d", or leave keep-within empty.');
	}
	return span;
}

function checkCount(name: string, value: number | undefined): void {
	if (value === undefined) return;
	if (!Number.isInteger(value) || value < 0) {
		throw invalidInput(
			`${name} must be a whole number of 0 or more, got ${String(value)}`,
			`Set ${name} to a count such as 7, or 0 to turn the rule off.`,
		);
	}
}

/** Refuses a policy that keeps nothing: pruning with it would mean "delete everything but the newest". */
export function validatePolicy(policy: RetentionPolicy): RetentionPolicy {
	checkCount('keep-last', policy.keepLast);
	for (const rule of CALENDAR_RULES) checkCount(`keep-${rule}`, policy[CALENDAR_RULE_FIELDS[rule]] as number | undefined);
	const within = policy.keepWithin?.trim() ? policy.keepWithin : undefined;
	if (within) parseKeepWithin(within);
	const anyCount = [policy.keepLast, ...CALENDAR_RULES.map((r) => policy[CALENDAR_RULE_FIELDS[r]] as number | undefined)].some(
		(v) => (v ?? 0) > 0,
	);
	if (!anyCount && !within) {
		throw invalidInput(
			'The retention policy is empty: no keep rule is set',
			'Set at least one rule, for example keep-daily 7 (the default), or keep-last 10.',
		);
	}
	return { ...policy, keepWithin: within };
}

/** The policy as restic-style flags, for logs and reports. */
export function describePolicy(policy: RetentionPolicy): string {
	const parts: string[] = [];
	if (policy.keepLast) parts.push(`keep-last ${policy.keepLast}`);
	for (const rule of CALENDAR_RULES) {
		const n = policy[CALENDAR_RULE_FIELDS[rule]] as number | undefined;
		if (n) parts.push(`keep-${rule} ${n}`);
	}
	if (policy.keepWithin) parts.push(`keep-within ${policy.keepWithin}`);
	return parts.join(', ');
}
