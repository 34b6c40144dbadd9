import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OPTION_FIELDS, StackBackupError } from '../../../core';
import { aboutFields } from '../../../core/options/optionFields';
import { flagsSentence, OPTION_FLAGS } from '../../../bin/cli/optionFlags';
import { FIELD_NAMES, fieldsSentence } from '../../../nodes/shared/fieldNames';

// The core says which input an error is about; each front end words it. The tables are typed
// Record<OptionField, string>, so the compiler already demands a word per field; these tests
// keep the words real and the sentences right.
describe('each front end words the input an error names', () => {
	const shrank = new StackBackupError('DUMP_SHRANK', 'x', { hint: 'y', details: aboutFields('allowShrink', 'maxShrinkPercent') });

	it('n8n names its field labels; the CLI its flags', () => {
		expect(fieldsSentence(shrank.details)).toBe('Fields: "Allow Shrink", "Max Shrink (%)".');
		expect(flagsSentence(shrank.details)).toBe('Options: --allow-shrink, --max-shrink-percent.');
		expect(fieldsSentence(aboutFields('dockerHost'))).toBe('Field: the Stack Backup Docker Engine API credential.');
	});

	it('a panel or command with another label overrides one field', () => {
		expect(fieldsSentence(aboutFields('redisContainer'), { redisContainer: 'Container Name' })).toBe('Field: "Container Name".');
		expect(flagsSentence(aboutFields('redisContainer'), { redisContainer: '--container' })).toBe('Option: --container.');
	});

	it('an error that names no input adds nothing', () => {
		expect(fieldsSentence({})).toBe('');
		expect(flagsSentence({ path: '/x' })).toBe('');
	});

	it('every field has words in both', () => {
		for (const field of OPTION_FIELDS) {
			expect(FIELD_NAMES[field]).toMatch(/\w/);
			expect(OPTION_FLAGS[field]).toMatch(/\w/);
		}
	});

	it("no core hint speaks a front end's words: no CLI flag, no n8n field label", () => {
		const flags = Object.values(OPTION_FLAGS).flatMap((words) => words.match(/--[a-z][a-z-]*/g) ?? []);
		const labels = Object.values(FIELD_NAMES).filter((name) => !name.startsWith('the '));
		const offending = coreFiles().flatMap((file) => {
			const lines = readFileSync(file, 'utf8').split('\n');
			// A hint is the text on a `hint:` line, or the arguments of invalidOption/invalidInput.
			const hintLines = lines.flatMap((line, i) =>
				/\bhint\b|invalid(Option|Input)\(/.test(line) ? lines.slice(i, i + 4).map((text) => ({ text, at: `${file}:${i + 1}` })) : [],
			);
			return hintLines.filter(
				({ text }) =>
					/\(CLI\b|CLI:/.test(text) ||
					flags.some((flag) => new RegExp(`${flag}\\b`).test(text)) ||
					labels.some((label) => text.includes(`"${label}"`)),
			);
		});
		expect(offending.map((o) => `${o.at}: ${o.text.trim()}`)).toEqual([]);
	});
});

function coreFiles(dir = join(__dirname, '..', '..', '..', 'core')): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? coreFiles(path) : name.endsWith('.ts') ? [path] : [];
	});
}
