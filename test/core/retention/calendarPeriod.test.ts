import { calendarPeriods, validateTimeZone } from '../../../core/retention/calendarPeriod';

describe('calendarPeriods', () => {
	it('names each period of a moment in UTC', () => {
		expect(calendarPeriods(new Date('2026-03-29T14:05:00Z'), 'UTC')).toEqual({
			yearly: '2026',
			monthly: '2026-03',
			weekly: '2026-W13',
			daily: '2026-03-29',
			hourly: '2026-03-29 14h (UTC+00:00)',
		});
	});

	it('uses the local calendar of the time zone: 23:30 UTC is already tomorrow in Berlin', () => {
		const p = calendarPeriods(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin');
		expect(p).toMatchObject({ yearly: '2027', monthly: '2027-01', daily: '2027-01-01', weekly: '2026-W53' });
	});

	it('ISO weeks: Monday starts them, and week 1 holds the first Thursday (years cross)', () => {
		expect(calendarPeriods(new Date('2025-12-29T12:00:00Z'), 'UTC').weekly).toBe('2026-W01');
		expect(calendarPeriods(new Date('2027-01-01T12:00:00Z'), 'UTC').weekly).toBe('2026-W53');
		expect(calendarPeriods(new Date('2026-11-22T23:59:00Z'), 'UTC').weekly).toBe('2026-W47');
		expect(calendarPeriods(new Date('2026-11-23T00:00:00Z'), 'UTC').weekly).toBe('2026-W48');
	});

	it('tells the two 01:00 hours of a DST fall-back apart by their offset', () => {
		const first = calendarPeriods(new Date('2026-11-01T05:30:00Z'), 'America/New_York');
		const second = calendarPeriods(new Date('2026-11-01T06:30:00Z'), 'America/New_York');
		expect(first.hourly).toBe('2026-11-01 01h (UTC-04:00)');
		expect(second.hourly).toBe('2026-11-01 01h (UTC-05:00)');
		expect(first.daily).toBe(second.daily);
	});

	it('offsets that are not whole hours keep their minutes', () => {
		expect(calendarPeriods(new Date('2026-06-01T00:00:00Z'), 'Asia/Kolkata').hourly).toBe('2026-06-01 05h (UTC+05:30)');
	});
});

describe('validateTimeZone', () => {
	it('accepts IANA names and refuses anything else with a hint', () => {
		expect(validateTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
		expect(() => validateTimeZone('Mars/Olympus')).toThrow(
			expect.objectContaining({ code: 'INVALID_INPUT', message: 'Unknown time zone "Mars/Olympus"', hint: expect.stringMatching(/IANA/) }),
		);
	});
});
