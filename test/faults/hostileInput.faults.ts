import {
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	truncateSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { validateCronExpression } from 'cron';
import { backupFiles } from '../../core';
import { rawTar, type RawEntry } from '../support/hostileTar';
import { runCli } from '../support/runCli';
import { writeNightlySets, writeSyntheticSet } from '../support/syntheticSets';
import { recordDataLost, tryBadInput } from './support/ledger';

/** Every path below `dir` (links not followed), as relative paths. */
function inventory(dir: string, skip: string[] = []): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const p = join(d, name);
			if (skip.includes(p)) continue;
			out.push(relative(dir, p));
			if (lstatSync(p).isDirectory() && !lstatSync(p).isSymbolicLink()) walk(p);
		}
	};
	walk(dir);
	return out.sort();
}

describe('hostile and bad input: refused, with nothing written outside and nothing foreign deleted', () => {
	let work: string;
	beforeEach(() => {
		work = mkdtempSync(join(tmpdir(), 'fault-hostile-'));
	});
	afterEach(() => rmSync(work, { recursive: true, force: true }));

	describe('archives restored with the CLI', () => {
		const hostile: Array<[string, RawEntry[], RegExp]> = [
			['a ../ path', [{ path: 'a/../../escaped.txt', type: 'File', body: 'x' }], /climbs out/],
			['an absolute path', [{ path: '<work>/escaped-abs.txt', type: 'File', body: 'x' }], /absolute path/],
			[
				'a symlink pointing out (absolute)',
				[
					{ path: 'etc', type: 'SymbolicLink', linkpath: '/etc' },
					{ path: 'etc/cron.d/evil', type: 'File', body: 'x' },
				],
				/symlink/,
			],
			[
				'a symlink pointing out (relative)',
				[
					{ path: 'up', type: 'SymbolicLink', linkpath: '../..' },
					{ path: 'up/escaped-rel.txt', type: 'File', body: 'x' },
				],
				/symlink/,
			],
			['a hardlink pointing out (absolute)', [{ path: 'passwd', type: 'Link', linkpath: '/etc/passwd' }], /hardlink/],
			['a hardlink pointing out (relative)', [{ path: 'outside', type: 'Link', linkpath: '../outside.txt' }], /hardlink/],
			[
				'a write through its own symlink',
				[
					{ path: 'inside', type: 'SymbolicLink', linkpath: 'ok.txt' },
					{ path: 'inside/x', type: 'File', body: 'x' },
				],
				/symlink/,
			],
			['a device file', [{ path: 'null', type: 'CharacterDevice' }], /CharacterDevice/],
		];

		it.each(hostile)('a tar with %s: refused, 0 files written outside the target', async (what, entries, reason) => {
			const withWork = entries.map((e) => ({ ...e, path: e.path.replace('<work>', work) }));
			const set = writeSyntheticSet(join(work, 'root'), 'hostile', new Date('2026-01-01T02:00:00Z'), {
				artifact: {
					file: 'volume-x.tar',
					kind: 'volume',
					format: 'tar',
					content: rawTar([{ path: 'ok.txt', type: 'File', body: 'fine' }, ...withWork]),
				},
			});
			writeFileSync(join(work, 'outside.txt'), 'a file beside the target\n');
			const target = join(work, 'target');
			const before = inventory(work);
			await tryBadInput(`tar with ${what}`, async () => {
				const run = await runCli(['restore', set, '--dir', target]);
				expect(run.code).toBe(1);
				expect(run.json.error).toMatchObject({
					code: 'UNSAFE_ARCHIVE_ENTRY',
					message: expect.stringMatching(reason),
					hint: expect.stringMatching(/Nothing was extracted/),
				});
				const writtenOutside = inventory(work, [target]).filter((p) => !before.includes(p));
				recordDataLost(`files written outside the target by a tar with ${what}`, writtenOutside.length);
				expect(writtenOutside).toEqual([]);
				expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
				expect(readFileSync(join(work, 'outside.txt'), 'utf8')).toBe('a file beside the target\n');
			});
		});
	});

	describe('sets that are damaged or lie about themselves', () => {
		async function realSet(): Promise<string> {
			const file = join(work, 'app.env');
			writeFileSync(file, 'N8N_ENCRYPTION_KEY_FILE=/run/secrets/key\n'.repeat(50));
			return (await backupFiles({ root: join(work, 'root'), setName: 'config', files: [file], compression: 'gzip' })).path;
		}
		const manifestOf = (set: string) => join(set, 'manifest.json');
		const artifactOf = (set: string) => join(set, JSON.parse(readFileSync(manifestOf(set), 'utf8')).artifacts[0].file);

		const expectRefusedByVerifyAndRestore = async (set: string, code: string, message: RegExp) => {
			const verify = await runCli(['verify', set]);
			expect(verify.code).toBe(1);
			expect(verify.json.error).toMatchObject({ code, hint: expect.any(String), message: expect.stringMatching(message) });
			const target = join(work, 'restored');
			const restore = await runCli(['restore', set, '--dir', target]);
			expect(restore.code).toBe(1);
			expect(restore.json.error.code).toBe(code);
			expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
		};

		const damages: Array<[string, (set: string) => void, string, RegExp]> = [
			[
				'a manifest whose artifact points outside its folder (../)',
				(s) => editManifest(s, (m) => (m.artifacts[0].file = '../../outside.env')),
				'MANIFEST_INVALID',
				/not a plain file name/,
			],
			[
				'a manifest whose artifact is an absolute path',
				(s) => editManifest(s, (m) => (m.artifacts[0].file = '/etc/passwd')),
				'MANIFEST_INVALID',
				/not a plain file name/,
			],
			[
				'a malformed manifest',
				(s) => writeFileSync(manifestOf(s), '{"format": "n8n-stack-backup/manifest", oops'),
				'MANIFEST_INVALID',
				/not valid JSON/,
			],
			[
				'a truncated manifest',
				(s) => truncateSync(manifestOf(s), Math.floor(readFileSync(manifestOf(s)).length / 2)),
				'MANIFEST_INVALID',
				/not valid JSON/,
			],
			[
				'a manifest with a newer format version',
				(s) => editManifest(s, (m) => (m.formatVersion = 99)),
				'MANIFEST_INVALID',
				/format version 99/,
			],
			// Every row has all four entries: jest.each takes a shorter row's missing argument for `done`.
			['an artifact with one flipped byte', (s) => flipByte(artifactOf(s)), 'CHECKSUM_MISMATCH', /sha256/],
			['a truncated artifact', (s) => truncateSync(artifactOf(s), 10), 'CHECKSUM_MISMATCH', /size 10/],
			['a missing artifact', (s) => rmSync(artifactOf(s)), 'ARTIFACT_NOT_FOUND', /missing/],
		];

		it.each(damages)('%s: verify and restore refuse it with a clear error', async (what, damage, code, message) => {
			const set = await realSet();
			damage(set);
			await tryBadInput(what, () => expectRefusedByVerifyAndRestore(set, code, message));
		});
	});

	describe('names, refused before any I/O', () => {
		const root = () => join(work, 'never-created');
		const cases: Array<[string, string[]]> = [
			['set name ".."', ['backup', 'files', '--set', '..', '--file', '/etc/hostname']],
			['set name "../../etc"', ['backup', 'files', '--set', '../../etc', '--file', '/etc/hostname']],
			['set name with "/"', ['backup', 'files', '--set', 'a/b', '--file', '/etc/hostname']],
			['set name ".hidden"', ['backup', 'files', '--set', '.hidden', '--file', '/etc/hostname']],
			[
				'container name with a shell metacharacter',
				[
					'backup',
					'postgres',
					'--set',
					'pg',
					'--container',
					'pg;rm -rf /',
					'--database',
					'n8n',
					'--docker-host',
					'unix:///nonexistent.sock',
				],
			],
			[
				'container name with a path',
				['backup', 'redis', '--set', 'r', '--container', '../../redis', '--docker-host', 'unix:///nonexistent.sock'],
			],
			['volume name with ".."', ['backup', 'volume', '--set', 'v', '--volume', '../../etc', '--docker-host', 'unix:///nonexistent.sock']],
			['volume name with a space', ['backup', 'volume', '--set', 'v', '--volume', 'n8n data', '--docker-host', 'unix:///nonexistent.sock']],
			[
				'container to stop with a newline',
				[
					'backup',
					'volume',
					'--set',
					'v',
					'--dir',
					'/etc/hostname',
					'--stop-container',
					'n8n\nrm',
					'--docker-host',
					'unix:///nonexistent.sock',
				],
			],
		];
		it.each(cases)('%s', async (what, args) => {
			await tryBadInput(what, async () => {
				const run = await runCli([...args, '--root', root()]);
				expect(run.code).toBe(2);
				expect(run.json.error).toMatchObject({ code: 'INVALID_INPUT', hint: expect.any(String) });
				expect(existsSync(root())).toBe(false);
			});
		});

		it('a set name with NUL (it cannot travel in argv, so through the core)', async () => {
			await tryBadInput('set name with NUL', async () => {
				await expect(backupFiles({ root: root(), setName: 'x\0y', files: ['/etc/hostname'], compression: 'none' })).rejects.toMatchObject({
					code: 'INVALID_INPUT',
				});
				expect(existsSync(root())).toBe(false);
			});
		});
	});

	describe('pruning never deletes what is not ours', () => {
		it('symlinked sets, foreign files and a root that is itself a symlink: nothing foreign is deleted', async () => {
			const real = join(work, 'real-root');
			writeNightlySets(real, 'nightly', '2026-01-01', 20);
			const elsewhere = join(work, 'elsewhere');
			writeNightlySets(elsewhere, 'nightly', '2025-06-01', 5);
			// Foreign things inside the set folder and beside it.
			writeFileSync(join(real, 'nightly', 'notes.txt'), 'mine\n');
			mkdirSync(join(real, 'nightly', 'photos'));
			writeFileSync(join(real, 'nightly', 'photos', 'cat.jpg'), 'jpeg');
			symlinkSync(
				join(elsewhere, 'nightly', readdirSync(join(elsewhere, 'nightly'))[0]),
				join(real, 'nightly', '2025-01-01T02-00-00.000Z'),
			);
			writeFileSync(join(real, 'README'), 'a file in the root\n');
			// The root given to prune is a symlink into the real root.
			const linkedRoot = join(work, 'root-link');
			symlinkSync(real, linkedRoot);
			const foreignBefore = [
				...inventory(elsewhere).map((p) => join(elsewhere, p)),
				join(real, 'nightly', 'notes.txt'),
				join(real, 'nightly', 'photos', 'cat.jpg'),
				join(real, 'README'),
			];

			await tryBadInput('prune over symlinked sets, foreign files and a symlinked root', async () => {
				const run = await runCli(['prune', '--root', linkedRoot, '--set', 'nightly', '--keep-last', '3', '--json']);
				expect(run.code).toBe(0);
				expect(run.json.kept).toBe(3);
				expect(run.json.ignored.map((i: { name: string }) => i.name).sort()).toEqual(
					['2025-01-01T02-00-00.000Z', 'notes.txt', 'photos'].sort(),
				);
				const lost = foreignBefore.filter((p) => !existsSync(p));
				recordDataLost('foreign files deleted by prune', lost.length);
				expect(lost).toEqual([]);
				expect(lstatSync(join(real, 'nightly', '2025-01-01T02-00-00.000Z')).isSymbolicLink()).toBe(true);
			});
		});

		it('a set folder that is a symlink out of the root is refused whole', async () => {
			const elsewhere = join(work, 'elsewhere');
			writeNightlySets(elsewhere, 'nightly', '2025-06-01', 5);
			mkdirSync(join(work, 'root'));
			symlinkSync(join(elsewhere, 'nightly'), join(work, 'root', 'nightly'));
			const before = inventory(elsewhere);
			await tryBadInput('prune of a set folder that is a symlink', async () => {
				const run = await runCli(['prune', '--root', join(work, 'root'), '--set', 'nightly', '--keep-last', '1']);
				expect(run.code).toBe(1);
				expect(run.json.error.hint).toEqual(expect.any(String));
				expect(inventory(elsewhere)).toEqual(before);
			});
		});
	});

	describe('fields', () => {
		const bad: Array<[string, string[]]> = [
			['--keep-within 3x', ['--keep-within', '3x']],
			['--keep-within -5d', ['--keep-within', '-5d']],
			['--keep-daily -1', ['--keep-daily', '-1']],
			['--keep-daily 1.5', ['--keep-daily', '1.5']],
			['--keep-last abc', ['--keep-last', 'abc']],
			['no rule at all', []],
		];
		it.each(bad)('prune %s: a clear error, nothing deleted', async (what, flags) => {
			writeNightlySets(join(work, 'root'), 'nightly', '2026-01-01', 5);
			const before = inventory(join(work, 'root'));
			await tryBadInput(`prune field ${what}`, async () => {
				const run = await runCli(['prune', '--root', join(work, 'root'), '--set', 'nightly', ...flags]);
				expect(run.code).toBe(2);
				expect(`${run.stderr}`).toMatch(/keep|rule|policy/i);
				expect(inventory(join(work, 'root'))).toEqual(before);
			});
		});

		it("every cron expression in the templates' notes and the README is one n8n's scheduler accepts; a wrong one is caught", async () => {
			const docs = [
				...readdirSync(join(__dirname, '..', '..', 'workflows')).map((f) =>
					readFileSync(join(__dirname, '..', '..', 'workflows', f), 'utf8'),
				),
				readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8'),
			].join('\n');
			const examples = [...docs.matchAll(/`((?:[\d*/,-]+ ){4}[\d*/,A-Za-z-]+)`/g)].map((m) => m[1]);
			expect(examples.length).toBeGreaterThanOrEqual(3);
			for (const expression of examples)
				expect({ expression, ...validateCronExpression(expression) }).toMatchObject({ expression, valid: true });
			await tryBadInput('an invalid cron expression', async () => {
				expect(validateCronExpression('0 25 * * *').valid).toBe(false);
			});
		});
	});
});

function editManifest(set: string, edit: (m: { formatVersion: number; artifacts: Array<{ file: string }> }) => void): void {
	const path = join(set, 'manifest.json');
	const manifest = JSON.parse(readFileSync(path, 'utf8'));
	edit(manifest);
	writeFileSync(path, JSON.stringify(manifest));
}

function flipByte(path: string): void {
	const bytes = readFileSync(path);
	bytes[Math.floor(bytes.length / 2)] ^= 0x01;
	writeFileSync(path, bytes);
}
