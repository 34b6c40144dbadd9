import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderArchiver, stageLiveSqlite } from '../../../core/volume/directorySource';
import { readTarEntries } from '../../../core/archive/readTarEntries';

// openDirectoryArchive reads as its steps: stage a live SQLite database, then archive the
// folder. Each is driven alone here, on a plain folder.
describe('the steps of a folder archive', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'folder-steps-'));
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('stageLiveSqlite: nothing to stage when no database is being written', async () => {
		writeFileSync(join(dir, 'database.sqlite'), 'not live: no -wal beside it');
		const staged = await stageLiveSqlite(dir, dir);
		expect(staged).toMatchObject({ live: null, replaces: new Set() });
		await staged.cleanup();
	});

	it('FolderArchiver: entries in name order, folders before their contents, skipped paths left out, warnings for what vanished', async () => {
		mkdirSync(join(dir, 'b'));
		writeFileSync(join(dir, 'b', 'inner.txt'), 'inner');
		writeFileSync(join(dir, 'a.txt'), 'a');
		writeFileSync(join(dir, 'database.sqlite'), 'raw');
		const warnings: string[] = [];
		const archiver = new FolderArchiver(
			{ dir, excluded: null, stagingDir: dir, warn: (w) => warnings.push(w) },
			new Set(['database.sqlite']),
		);
		const entries: string[] = [];
		const reading = readTarEntries(archiver.tar, (entry) => entries.push(`${entry.type} ${entry.path}`));
		await archiver.archive(statSync(dir), { live: null });
		await reading;
		expect(entries).toEqual(['Directory ./', 'File ./a.txt', 'Directory ./b/', 'File ./b/inner.txt']);
		expect(warnings).toEqual([]);
	});

	it('FolderArchiver.addFile: a file that vanished is skipped with a warning', async () => {
		const warnings: string[] = [];
		const archiver = new FolderArchiver({ dir, excluded: null, stagingDir: dir, warn: (w) => warnings.push(w) });
		await archiver.addFile('gone.txt', join(dir, 'gone.txt'));
		expect(warnings).toEqual(['gone.txt: vanished before it was read, skipped']);
		archiver.tar.destroy();
	});
});
