import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const WORK = process.env.STACK_E2E_DIR ?? '/tmp/stack-backup-e2e';

let prepared: string | undefined;

/** The package installed once per run by scripts/install-package.sh, the way n8n installs a community package. */
function preparedNodesFolder(): string {
	if (prepared) return prepared;
	const userFolder = join(WORK, 'package-install');
	rmSync(userFolder, { recursive: true, force: true });
	mkdirSync(userFolder, { recursive: true });
	const target = execFileSync('bash', [join(REPO, 'scripts', 'install-package.sh'), userFolder], { encoding: 'utf8' }).trim();
	if (!existsSync(join(target, 'node_modules', 'dockerode'))) throw new Error(`${target} has no runtime dependencies installed`);
	prepared = join(userFolder, '.n8n', 'nodes');
	return prepared;
}

/** Puts the installed package into an n8n user folder, where n8n loads community packages from at start. */
export function installInto(userFolder: string): void {
	// Verbatim: npm's relative .bin links must stay relative (resolved, they would point out of the folder).
	cpSync(preparedNodesFolder(), join(userFolder, '.n8n', 'nodes'), { recursive: true, verbatimSymlinks: true });
}
