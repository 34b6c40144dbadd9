import { calendarPeriods, planRetention, type RetentionCandidate, type RetentionPolicy } from '../../../core';

const at = (iso: string, complete = true): RetentionCandidate => ({ id: iso, time: new Date(iso), complete });

/** One set per day at `time` (UTC), from `first` for `days` days, skipping the listed day numbers (1-based). */
function daily(first: string, days: number, time = '02:00:00Z', skip: number[] = []): RetentionCandidate[] {
	const out: RetentionCandidate[] = [];
	for (let i = 0; i < days; i++) {
		if (skip.includes(i + 1)) continue;
		const d = new Date(`${first}T${time}`);
		d.setUTCDate(d.getUTCDate() + i);
		out.push(at(d.toISOString()));
	}
	return out;
}

const kept = (sets: RetentionCandidate[], policy: RetentionPolicy, timeZone?: string) =>
	planRetention(sets, policy, { timeZone })
		.sets.filter((s) => s.verdict === 'keep')
		.map((s) => s.id.slice(0, 16))
		.sort();

describe('retention plan (pure, hand-worked cases)', () => {
	const cases: Array<[string, RetentionCandidate[], RetentionPolicy, string | undefined, string[]]> = [
		[
			'keep-daily 7 over 60 nightly sets keeps the last 7 nights',
			daily('2026-01-01', 60),
			{ keepDaily: 7 },
			undefined,
			[
				'2026-02-23T02:00',
				'2026-02-24T02:00',
				'2026-02-25T02:00',
				'2026-02-26T02:00',
				'2026-02-27T02:00',
				'2026-02-28T02:00',
				'2026-03-01T02:00',
			],
		],
		[
			'missed days are not periods: keep-daily 7 with days 5-7 missing keeps 7 sets, back to day 1',
			daily('2026-01-01', 10, '02:00:00Z', [5, 6, 7]),
			{ keepDaily: 7 },
			undefined,
			[
				'2026-01-01T02:00',
				'2026-01-02T02:00',
				'2026-01-03T02:00',
				'2026-01-04T02:00',
				'2026-01-08T02:00',
				'2026-01-09T02:00',
				'2026-01-10T02:00',
			],
		],
		[
			"three sets a day: keep-daily 2 keeps each day's newest, keep-last 2 adds the one before (rules ORed)",
			[...daily('2026-01-01', 3, '02:00:00Z'), ...daily('2026-01-01', 3, '10:00:00Z'), ...daily('2026-01-01', 3, '18:00:00Z')],
			{ keepDaily: 2, keepLast: 2 },
			undefined,
			['2026-01-02T18:00', '2026-01-03T10:00', '2026-01-03T18:00'],
		],
		[
			'keep-weekly 3 uses ISO weeks starting on Monday',
			daily('2026-01-01', 31),
			{ keepWeekly: 3 },
			undefined,
			['2026-01-18T02:00', '2026-01-25T02:00', '2026-01-31T02:00'],
		],
		[
			'keep-monthly 4 keeps the last set of each of the last 4 months',
			daily('2026-01-01', 150),
			{ keepMonthly: 4 },
			undefined,
			['2026-02-28T02:00', '2026-03-31T02:00', '2026-04-30T02:00', '2026-05-30T02:00'],
		],
		[
			'keep-yearly 2 plus keep-monthly 1',
			[
				at('2024-06-01T00:00:00Z'),
				at('2024-12-31T23:00:00Z'),
				at('2025-03-01T00:00:00Z'),
				at('2025-07-01T00:00:00Z'),
				at('2026-01-15T00:00:00Z'),
			],
			{ keepYearly: 2, keepMonthly: 1 },
			undefined,
			['2025-07-01T00:00', '2026-01-15T00:00'],
		],
		[
			'keep-within 7d counts back from the newest set, not from now',
			daily('2026-01-01', 30),
			{ keepWithin: '7d' },
			undefined,
			[
				'2026-01-23T02:00',
				'2026-01-24T02:00',
				'2026-01-25T02:00',
				'2026-01-26T02:00',
				'2026-01-27T02:00',
				'2026-01-28T02:00',
				'2026-01-29T02:00',
				'2026-01-30T02:00',
			],
		],
		[
			'keep-within 1m is a calendar month',
			daily('2026-02-20', 20),
			{ keepWithin: '1m' },
			undefined,
			[
				'2026-02-20T02:00',
				'2026-02-21T02:00',
				'2026-02-22T02:00',
				'2026-02-23T02:00',
				'2026-02-24T02:00',
				'2026-02-25T02:00',
				'2026-02-26T02:00',
				'2026-02-27T02:00',
				'2026-02-28T02:00',
				'2026-03-01T02:00',
				'2026-03-02T02:00',
				'2026-03-03T02:00',
				'2026-03-04T02:00',
				'2026-03-05T02:00',
				'2026-03-06T02:00',
				'2026-03-07T02:00',
				'2026-03-08T02:00',
				'2026-03-09T02:00',
				'2026-03-10T02:00',
				'2026-03-11T02:00',
			],
		],
		[
			'days are counted in the given time zone (Berlin: 23:30 UTC is the next day)',
			[at('2026-03-27T12:00:00Z'), at('2026-03-28T23:30:00Z'), at('2026-03-29T12:00:00Z')],
			{ keepDaily: 2 },
			'Europe/Berlin',
			['2026-03-27T12:00', '2026-03-29T12:00'],
		],
		[
			'the same sets counted in UTC fall on three days',
			[at('2026-03-27T12:00:00Z'), at('2026-03-28T23:30:00Z'), at('2026-03-29T12:00:00Z')],
			{ keepDaily: 2 },
			undefined,
			['2026-03-28T23:30', '2026-03-29T12:00'],
		],
		[
			'spring forward (Berlin 2026-03-29 has 23 hours): one set per local day at 01:30 stays one per day',
			[
				at('2026-03-27T00:30:00Z'),
				at('2026-03-28T00:30:00Z'),
				at('2026-03-29T00:30:00Z'),
				at('2026-03-29T23:30:00Z'),
				at('2026-03-30T23:30:00Z'),
			],
			{ keepDaily: 4 },
			'Europe/Berlin',
			['2026-03-28T00:30', '2026-03-29T00:30', '2026-03-29T23:30', '2026-03-30T23:30'],
		],
		[
			'fall back (Berlin 2026-10-25): the two 02:15 local hours are two hourly periods',
			[at('2026-10-25T00:15:00Z'), at('2026-10-25T01:15:00Z'), at('2026-10-24T23:15:00Z')],
			{ keepHourly: 2 },
			'Europe/Berlin',
			['2026-10-25T00:15', '2026-10-25T01:15'],
		],
	];

	it("the README's worked example: nightly since September, one night missed, keep-daily 7 + weekly 4 + monthly 6", () => {
		const sets = daily('2026-09-01', 83, '02:00:00Z', [79]); // day 79 is 2026-11-18
		expect(kept(sets, { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 }).map((id) => id.slice(0, 10))).toEqual([
			'2026-09-30',
			'2026-10-31',
			'2026-11-01',
			'2026-11-08',
			'2026-11-15',
			'2026-11-16',
			'2026-11-17',
			'2026-11-19',
			'2026-11-20',
			'2026-11-21',
			'2026-11-22',
		]);
	});

	it.each(cases)('%s', (_name, sets, policy, timeZone, expected) => {
		expect(kept(sets, policy, timeZone)).toEqual(expected);
	});

	it('gives every set its reasons, and a set can satisfy several rules', () => {
		const plan = planRetention(daily('2026-01-01', 10), { keepLast: 1, keepDaily: 2, keepMonthly: 1, keepWithin: '1d' });
		expect(plan.sets[0].reasons).toEqual([
			'newest complete set (always kept)',
			'keep-last: #1 of 1',
			'keep-daily: 2026-01-10',
			'keep-monthly: 2026-01',
			'keep-within 1d of the newest set',
		]);
		expect(plan.sets[1].reasons).toEqual(['keep-daily: 2026-01-09', 'keep-within 1d of the newest set']);
		expect(plan.sets[2]).toMatchObject({ verdict: 'delete', reasons: ['matches no keep rule'] });
	});

	it('labels ISO weeks across a year boundary (2025-12-29 is in 2026-W01, 2027-01-01 in 2026-W53)', () => {
		expect(calendarPeriods(new Date('2025-12-29T12:00:00Z'), 'UTC').weekly).toBe('2026-W01');
		expect(calendarPeriods(new Date('2027-01-01T12:00:00Z'), 'UTC').weekly).toBe('2026-W53');
		expect(calendarPeriods(new Date('2026-11-23T00:30:00Z'), 'America/New_York').weekly).toBe('2026-W47');
	});

	it('counts only complete sets: an incomplete newer run neither counts nor displaces the newest complete set', () => {
		const sets = [...daily('2026-01-01', 3), at('2026-01-05T02:00:00Z', false)];
		const plan = planRetention(sets, { keepLast: 1 }, { now: new Date('2026-01-05T03:00:00Z') });
		expect(plan.sets.map((s) => [s.id.slice(0, 10), s.verdict])).toEqual([
			['2026-01-03', 'keep'],
			['2026-01-02', 'delete'],
			['2026-01-01', 'delete'],
		]);
		expect(plan.incomplete).toEqual([expect.objectContaining({ id: '2026-01-05T02:00:00Z', verdict: 'keep' })]);
	});

	it('always keeps the newest complete set', () => {
		const plan = planRetention([at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z')], { keepWithin: '1h' });
		expect(plan.sets[0]).toMatchObject({ id: '2026-01-02T00:00:00Z', verdict: 'keep' });
		expect(plan.sets[0].reasons[0]).toBe('newest complete set (always kept)');
		expect(plan.sets[1].verdict).toBe('delete');
	});

	it('removes incomplete sets only after the grace period (default 24 h)', () => {
		const now = new Date('2026-01-10T12:00:00Z');
		const plan = planRetention(
			[at('2026-01-10T02:00:00Z'), at('2026-01-09T13:00:00Z', false), at('2026-01-09T11:00:00Z', false)],
			{ keepDaily: 7 },
			{ now },
		);
		expect(plan.incomplete.map((s) => [s.id, s.verdict])).toEqual([
			['2026-01-09T13:00:00Z', 'keep'],
			['2026-01-09T11:00:00Z', 'delete'],
		]);
		const shorter = planRetention([at('2026-01-09T13:00:00Z', false)], { keepDaily: 7 }, { now, incompleteGraceMs: 3_600_000 });
		expect(shorter.incomplete[0].verdict).toBe('delete');
	});

	it.each([
		['an empty policy', {}],
		['a policy of zeros', { keepLast: 0, keepDaily: 0, keepWithin: '' }],
	])('refuses %s', (_name, policy) => {
		expect(() => planRetention(daily('2026-01-01', 3), policy)).toThrow(
			expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/empty/) }),
		);
	});

	it.each([
		[{ keepDaily: -1 }, /daily sets to keep must be a whole number of 0 or more, not -1/, 'keepDaily'],
		[{ keepLast: 1.5 }, /last sets to keep must be a whole number of 0 or more, not 1.5/, 'keepLast'],
		[{ keepWeekly: 'four' }, /weekly sets to keep must be a whole number of 0 or more, not "four"/, 'keepWeekly'],
		[{ keepWithin: '30 days' }, /not a duration to keep sets within/, 'keepWithin'],
		[{ keepWithin: '0d' }, /zero/, 'keepWithin'],
	])('refuses the bad rule %j with a hint, naming the input', (policy, message, field) => {
		expect(() => planRetention([], policy as RetentionPolicy)).toThrow(
			expect.objectContaining({ message: expect.stringMatching(message), hint: expect.any(String), details: { field } }),
		);
	});

	it('takes counts as typed: "7" is 7', () => {
		const days = ['2026-01-01T02:00', '2026-01-02T02:00', '2026-01-03T02:00'];
		const plan = planRetention(
			days.map((d) => ({ id: d, time: new Date(`${d}:00Z`), complete: true })),
			{ keepDaily: '2' },
		);
		expect(plan.sets.map((s) => s.verdict)).toEqual(['keep', 'keep', 'delete']);
	});

	it('refuses an unknown time zone', () => {
		expect(() => planRetention(daily('2026-01-01', 2), { keepDaily: 1 }, { timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
	});
});
