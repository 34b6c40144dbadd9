import { invalidOption } from '../options/invalidOption';
import type { CalendarRule } from './retentionPolicy';

interface LocalTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	/** Minutes east of UTC at that instant: tells apart the two 01:00 hours of a DST fall-back. */
	offset: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		try {
			formatter = new Intl.DateTimeFormat('en-US', {
				timeZone,
				year: 'numeric',
				month: 'numeric',
				day: 'numeric',
				hour: 'numeric',
				minute: 'numeric',
				hourCycle: 'h23',
			});
		} catch {
			throw invalidOption(
				'timeZone',
				`Unknown time zone "${timeZone}"`,
				'Use an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York".',
			);
		}
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

export function validateTimeZone(timeZone: string): string {
	formatterFor(timeZone);
	return timeZone;
}

function localTime(date: Date, timeZone: string): LocalTime {
	const parts: Record<string, number> = {};
	for (const p of formatterFor(timeZone).formatToParts(date)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
	const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
	const minuteStart = Math.floor(date.getTime() / 60_000) * 60_000;
	return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, offset: Math.round((asUtc - minuteStart) / 60_000) };
}

// ISO 8601: weeks start on Monday; week 1 holds the year's first Thursday.
function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
	const date = new Date(Date.UTC(year, month - 1, day));
	const weekday = date.getUTCDay() || 7;
	date.setUTCDate(date.getUTCDate() + 4 - weekday);
	const weekYear = date.getUTCFullYear();
	const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
	return { year: weekYear, week };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The calendar periods a moment falls in, as readable keys ("2026-W47",
 * "2026-03-29"), in the given time zone. Two moments share a period exactly
 * when their keys are equal. One time-zone lookup serves every rule.
 */
export function calendarPeriods(date: Date, timeZone: string): Record<CalendarRule, string> {
	const t = localTime(date, timeZone);
	const w = isoWeek(t.year, t.month, t.day);
	const day = `${t.year}-${pad(t.month)}-${pad(t.day)}`;
	const sign = t.offset < 0 ? '-' : '+';
	const abs = Math.abs(t.offset);
	return {
		yearly: `${t.year}`,
		monthly: `${t.year}-${pad(t.month)}`,
		weekly: `${w.year}-W${pad(w.week)}`,
		daily: day,
		hourly: `${day} ${pad(t.hour)}h (UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)})`,
	};
}
