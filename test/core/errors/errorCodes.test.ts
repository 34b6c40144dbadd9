import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../core';

// Error codes are one closed list: each is in ERROR_CODES, thrown somewhere, and explained in
// the README's error table. A code nobody throws is a promise nothing keeps; one missing from
// the table leaves a user with a code and nothing to look it up in.
const REPO = join(__dirname, '..', '..', '..');

function sources(folder: string): string[] {
	return readdirSync(join(REPO, folder)).flatMap((name) => {
		const path = join(REPO, folder, name);
		if (statSync(path).isDirectory()) return sources(join(folder, name));
		return name.endsWith('.ts') ? [path] : [];
	});
}

function readmeTableCodes(): string[] {
	const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('### What can go wrong, and what it says'));
	const table = section.slice(0, section.indexOf('\n###'));
	return table
		.split('\n')
		.filter((line) => line.startsWith('| `'))
		.flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
}

describe('error codes', () => {
	it('the README error table has one row for each code, and no code that does not exist', () => {
		const documented = readmeTableCodes();
		expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
	});

	it('every code is thrown somewhere in core, nodes or bin', () => {
		const code = ['core', 'nodes', 'bin']
			.flatMap(sources)
			.filter((file) => !file.endsWith(join('errors', 'StackBackupError.ts')))
			.map((file) => readFileSync(file, 'utf8'))
			.join('\n');
		const neverUsed = ERROR_CODES.filter((c) => !code.includes(`'${c}'`));
		expect(neverUsed).toEqual([]);
	});
});
