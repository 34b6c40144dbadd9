import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('the published package', () => {
	let unpacked: string;
	let files: string[];

	beforeAll(() => {
		const dir = mkdtempSync(join(tmpdir(), 'pack-'));
		const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
			cwd: ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		const [info] = JSON.parse(out);
		files = info.files.map((f: { path: string }) => f.path);
		execFileSync('tar', ['-xzf', join(dir, info.filename), '-C', dir]);
		unpacked = join(dir, 'package');
		// n8n installs the runtime dependencies next to the package and provides n8n-workflow itself.
		symlinkSync(join(ROOT, 'node_modules'), join(unpacked, 'node_modules'));
	});
	afterAll(() => rmSync(join(unpacked, '..'), { recursive: true, force: true }));

	it('holds dist/ only (plus package.json, README and licence), no sources or tests', () => {
		const outside = files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE.md', 'LICENSE'].includes(f));
		expect(outside).toEqual([]);
		expect(files.some((f) => /\.test\.|^test\//.test(f))).toBe(false);
	});

	it('is a community node package whose nodes load as n8n-nodes-stack-backup.<name>', () => {
		expect(pkg.name).toBe('n8n-nodes-stack-backup');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		for (const path of pkg.n8n.nodes as string[]) {
			// n8n requires the exported class to be named like the file's first part.
			const className = basename(path).split('.')[0];
			const NodeClass = require(join(unpacked, path))[className];
			const node = new NodeClass();
			expect(`${pkg.name}.${node.description.name}`).toMatch(/^n8n-nodes-stack-backup\.[a-z][A-Za-z]+$/);
			for (const icon of Object.values(node.description.icon as Record<string, string>)) {
				expect(files).toContain(join(path, '..', icon.replace('file:', '')));
			}
			expect(files).toContain(path.replace(/\.js$/, '.json'));
		}
		for (const path of pkg.n8n.credentials as string[]) {
			const className = basename(path).split('.')[0];
			const credential = new (require(join(unpacked, path))[className])();
			expect(credential.name).toMatch(/^stackBackup/);
		}
	});

	it('ships the CLI as an executable bin entry', () => {
		expect(pkg.bin['n8n-stack-backup']).toBe('dist/bin/n8n-stack-backup.js');
		expect(files).toContain('dist/bin/n8n-stack-backup.js');
		expect(readFileSync(join(unpacked, pkg.bin['n8n-stack-backup']), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
	});
});
