import { validateSetName } from '../../../core';
import { parseRunFolderName, runFolderName } from '../../../core/backupSet/runFolderName';

describe('set names are refused before any I/O when they could escape the root', () => {
	it.each(['..', '../etc', 'a/b', 'a\\..\\b', 'x\0y', '.hidden', '', 'a..b', 'x'.repeat(101), 'name with space'])(
		'refuses %j with INVALID_INPUT',
		(name) => {
			expect(() => validateSetName(name)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', hint: expect.any(String) }));
		},
	);
	it.each(['n8n-postgres', 'nightly_db.v2', 'A1'])('accepts %j', (name) => {
		expect(validateSetName(name)).toBe(name);
	});
});

describe('run folder names', () => {
	it('round-trip the UTC start time and sort like time', () => {
		const a = new Date('2026-03-29T00:59:59.999Z');
		const b = new Date('2026-03-29T01:00:00.000Z');
		expect(parseRunFolderName(runFolderName(a))).toEqual(a);
		expect([runFolderName(b), runFolderName(a)].sort()).toEqual([runFolderName(a), runFolderName(b)]);
		expect(runFolderName(a)).not.toContain(':');
	});
	it('are not confused with other names', () => {
		expect(parseRunFolderName('.lock')).toBeNull();
		expect(parseRunFolderName('2026-13-45T99-00-00.000Z')).toBeNull();
	});
});
