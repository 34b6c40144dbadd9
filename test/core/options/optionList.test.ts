import { optionList } from '../../../core/options/optionList';

describe('optionList: one list from an n8n field or a repeated command-line flag', () => {
	it('splits one text at commas and new lines, trimmed, blanks dropped', () => {
		expect(optionList('public.a, public.b\n audit.*,,', 'excludeTables')).toEqual(['public.a', 'public.b', 'audit.*']);
	});

	it('splits each of several values the same way (a repeated flag)', () => {
		expect(optionList(['public.a,public.b', 'audit.*'], 'excludeTables')).toEqual(['public.a', 'public.b', 'audit.*']);
	});

	it('keeps a comma inside double quotes: a Postgres name may hold one', () => {
		expect(optionList('public."Audit, 2024", public.b', 'excludeTables')).toEqual(['public."Audit, 2024"', 'public.b']);
		expect(optionList('"a ""quoted"", name"', 'excludeTables')).toEqual(['"a ""quoted"", name"']);
	});

	it('a quote left open ends with its line', () => {
		expect(optionList('public."typo, a\npublic.b, public.c', 'excludeTables')).toEqual(['public."typo, a', 'public.b', 'public.c']);
	});

	it('empty is "not given"', () => {
		for (const empty of [undefined, null, '', ' , \n', []]) expect(optionList(empty, 'includeSchemas')).toBeUndefined();
	});

	it('refuses what is not text, naming the input', () => {
		expect(() => optionList(42, 'includeSchemas')).toThrow(
			expect.objectContaining({ code: 'INVALID_INPUT', details: { field: 'includeSchemas' } }),
		);
		expect(() => optionList(['a', 1], 'includeSchemas')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
	});
});
