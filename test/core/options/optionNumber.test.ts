import { optionNumber, optionNumberOr, type NumberRule } from '../../../core/options/optionNumber';

const percent: NumberRule = { field: 'maxShrinkPercent', what: 'The largest shrink to accept, in percent', min: 0, max: 100 };
const jobs: NumberRule = { field: 'jobs', what: 'The number of parallel restore jobs', min: 1, integer: true };

describe('optionNumber: a number as a user typed it, checked once for every front end', () => {
	it('takes numbers, and numeric text from the command line or an n8n expression', () => {
		expect(optionNumber(50, percent)).toBe(50);
		expect(optionNumber('50', percent)).toBe(50);
		expect(optionNumber(' 12.5 ', percent)).toBe(12.5);
		expect(optionNumber('0', percent)).toBe(0);
	});

	it('empty is "not given", so the default applies', () => {
		for (const empty of [undefined, null, '', '   ']) {
			expect(optionNumber(empty, percent)).toBeUndefined();
			expect(optionNumberOr(empty, percent, 50)).toBe(50);
		}
	});

	it.each([
		[250, 'The largest shrink to accept, in percent must be a number from 0 to 100, not 250'],
		[-1, 'The largest shrink to accept, in percent must be a number from 0 to 100, not -1'],
		['abc', 'The largest shrink to accept, in percent must be a number from 0 to 100, not "abc"'],
		[NaN, 'The largest shrink to accept, in percent must be a number from 0 to 100, not NaN'],
		[Infinity, 'The largest shrink to accept, in percent must be a number from 0 to 100, not Infinity'],
		[true, 'The largest shrink to accept, in percent must be a number from 0 to 100, not true'],
	])('refuses %p, naming the input', (raw, message) => {
		expect(() => optionNumber(raw, percent)).toThrow(
			expect.objectContaining({
				code: 'INVALID_INPUT',
				message,
				hint: 'Give a number from 0 to 100.',
				details: { field: 'maxShrinkPercent' },
			}),
		);
	});

	it('what an expression handed over is shown short, never whole (a big, or circular, item)', () => {
		const circular: Record<string, unknown> = { a: 1 };
		circular.self = circular;
		expect(() => optionNumber(circular, percent)).toThrow(
			expect.objectContaining({ message: expect.stringMatching(/not a value of type object$/) }),
		);
		expect(() => optionNumber('x'.repeat(500), percent)).toThrow(
			expect.objectContaining({ message: expect.stringMatching(/not "x{80}…"$/) }),
		);
	});

	it('whole numbers only where the rule says so', () => {
		expect(optionNumber('3', jobs)).toBe(3);
		expect(() => optionNumber('2.5', jobs)).toThrow(expect.objectContaining({ hint: 'Give a whole number of 1 or more.' }));
		expect(() => optionNumber(0, jobs)).toThrow(expect.objectContaining({ details: { field: 'jobs' } }));
	});
});
