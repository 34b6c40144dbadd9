import { excludeMatcher } from '../../../core/volume/excludeMatcher';

describe('excludeMatcher', () => {
	it('is null when there is nothing to exclude (blank patterns count as none)', () => {
		expect(excludeMatcher()).toBeNull();
		expect(excludeMatcher(['', '  '])).toBeNull();
	});

	it('a pattern without a slash matches at any depth, as in .dockerignore', () => {
		const excluded = excludeMatcher(['*.log'])!;
		expect(excluded('app.log')).toBe(true);
		expect(excluded('./deep/er/app.log')).toBe(true);
		expect(excluded('app.log.1')).toBe(false);
		expect(excluded('.hidden.log')).toBe(true);
	});

	it('a leading slash anchors at the root; a pattern with a slash is relative to the root', () => {
		const excluded = excludeMatcher(['/tmp', 'cache/**'])!;
		expect(excluded('tmp')).toBe(true);
		expect(excluded('a/tmp')).toBe(false);
		expect(excluded('cache/x/y')).toBe(true);
		expect(excluded('a/cache/x')).toBe(false);
	});

	it('a matched folder takes everything below it', () => {
		const excluded = excludeMatcher(['node_modules'])!;
		expect(excluded('node_modules/')).toBe(true);
		expect(excluded('pkg/node_modules/x/index.js')).toBe(true);
		expect(excluded('pkg/src/index.js')).toBe(false);
	});

	it('the root itself is never excluded', () => {
		expect(excludeMatcher(['*'])!('./')).toBe(false);
	});

	it('refuses a pattern holding a NUL byte', () => {
		expect(() => excludeMatcher(['a\0b'])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
	});
});
