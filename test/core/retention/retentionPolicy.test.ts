import { describePolicy, parseKeepWithin, validatePolicy } from '../../../core/retention/retentionPolicy';

describe('parseKeepWithin', () => {
	it.each([
		['30d', { years: 0, months: 0, days: 30, hours: 0 }],
		['2w', { years: 0, months: 0, days: 14, hours: 0 }],
		['1y6m', { years: 1, months: 6, days: 0, hours: 0 }],
		['1w2d12h', { years: 0, months: 0, days: 9, hours: 12 }],
		[' 12h ', { years: 0, months: 0, days: 0, hours: 12 }],
	])('%s', (text, span) => expect(parseKeepWithin(text)).toEqual(span));

	it.each(['', '30', '30 days', 'd30', '1d1y', '-1d'])('refuses %p, naming the input', (text) => {
		expect(() => parseKeepWithin(text)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', details: { field: 'keepWithin' } }));
	});

	it('refuses a zero duration', () => {
		expect(() => parseKeepWithin('0d0h')).toThrow(expect.objectContaining({ message: expect.stringMatching(/is zero/) }));
	});
});

describe('validatePolicy', () => {
	it('reads counts as typed and trims keep-within', () => {
		expect(validatePolicy({ keepDaily: '7', keepLast: 2, keepWithin: ' 30d ' })).toEqual({
			keepLast: 2,
			keepDaily: 7,
			keepHourly: undefined,
			keepWeekly: undefined,
			keepMonthly: undefined,
			keepYearly: undefined,
			keepWithin: '30d',
		});
	});

	it('refuses a policy that keeps nothing: pruning with it would delete all but the newest set', () => {
		for (const policy of [{}, { keepDaily: 0, keepLast: '0' }, { keepWithin: '  ' }]) {
			expect(() => validatePolicy(policy)).toThrow(
				expect.objectContaining({ code: 'INVALID_INPUT', message: 'The retention policy is empty: no keep rule is set' }),
			);
		}
	});

	it('refuses a count that is not a whole number of 0 or more, naming its rule', () => {
		expect(() => validatePolicy({ keepMonthly: -3 })).toThrow(expect.objectContaining({ details: { field: 'keepMonthly' } }));
		expect(() => validatePolicy({ keepYearly: '1.5' })).toThrow(expect.objectContaining({ details: { field: 'keepYearly' } }));
	});
});

describe('describePolicy', () => {
	it('lists the rules in use, restic-style, for logs and reports', () => {
		expect(describePolicy({ keepLast: 3, keepDaily: 7, keepMonthly: 12, keepWithin: '30d' })).toBe(
			'keep-last 3, keep-daily 7, keep-monthly 12, keep-within 30d',
		);
	});
});
