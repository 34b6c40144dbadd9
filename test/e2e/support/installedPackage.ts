import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const WORK = process.env.STACK_E2E_DIR ?? '/tmp/stack-backup-e2e';
const PACKAGE = 'n8n-nodes-stack-backup';

let prepared: string | undefined;

/**
 * The package as n8n installs a community package: `npm pack`, the tarball
 * unpacked, then `npm install --omit=dev --ignore-scripts` inside it. Done
 * once per run; each n8n user folder gets a copy.
 */
export function preparedPackage(): string {
	if (prepared) return prepared;
	const dir = join(WORK, 'package');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const npmEnv = { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' };
	const tarball = execFileSync('npm', ['pack', '--pack-destination', WORK], { cwd: REPO, env: npmEnv, encoding: 'utf8' }).trim().split('\n').pop()!;
	execFileSync('tar', ['-xzf', join(WORK, tarball), '-C', dir, '--strip-components=1']);
	execFileSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock'], { cwd: dir, env: npmEnv, stdio: ['ignore', 'ignore', 'inherit'] });
	if (!existsSync(join(dir, 'node_modules', 'dockerode'))) throw new Error(`npm install in ${dir} did not install the runtime dependencies`);
	prepared = dir;
	return dir;
}

/** Puts the prepared package into an n8n user folder, where n8n loads community packages from at start. */
export function installInto(userFolder: string): void {
	const nodes = join(userFolder, '.n8n', 'nodes');
	const target = join(nodes, 'node_modules', PACKAGE);
	mkdirSync(join(nodes, 'node_modules'), { recursive: true });
	rmSync(target, { recursive: true, force: true });
	// Verbatim: npm's relative .bin links must stay relative (resolved, they would point out of the folder).
	cpSync(preparedPackage(), target, { recursive: true, verbatimSymlinks: true });
	const version = JSON.parse(require('node:fs').readFileSync(join(target, 'package.json'), 'utf8')).version;
	writeFileSync(join(nodes, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE]: version } }));
	if (!readdirSync(join(target, 'dist', 'nodes')).includes('PostgresDump')) throw new Error('the packed package has no built nodes: run npm run build');
}
