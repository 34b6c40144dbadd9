import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'n8n-stack-backup.js');
export const NODE24 = process.execPath;
/** Debian's Node 20: the CLI must run on whatever Node a user has at hand. */
export const NODE20 = '/usr/bin/node';
/** Node 22 (the first line with zstd in zlib), unpacked by scripts/install-deps.sh. */
export const NODE22 = join(__dirname, '..', '..', '.cache', 'node-22.23.5', 'bin', 'node');

export interface CliRun {
	code: number | null;
	stdout: string;
	stderr: string;
	/** The last stdout line, parsed. */
	json: any;
}

export interface CliOptions {
	env?: NodeJS.ProcessEnv;
	node?: string;
	unprivileged?: boolean;
	/** The working folder (where a relative root would land). */
	cwd?: string;
	/** A self-contained executable to run instead of `node dist/bin/…` (the single executable). */
	executable?: string;
}

export interface SpawnedCli {
	child: ChildProcess;
	/** Output seen so far, for waiting on a progress line. */
	stderrSoFar: () => string;
	/** Resolves when the process has ended, however it ended. */
	done: Promise<CliRun & { signal: NodeJS.Signals | null }>;
}

/** Starts the CLI and hands back the process, so a test can kill it mid-run. */
export function spawnCli(args: string[], options: CliOptions = {}): SpawnedCli {
	if (!options.executable && !existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it).`);
	const node = options.node ?? NODE24;
	// Debian's nobody:nogroup, with no supplementary groups.
	const command = options.executable ? [options.executable] : [node, CLI];
	const [cmd, argv] = options.unprivileged
		? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...command, ...args]]
		: [command[0], [...command.slice(1), ...args]];
	const child = spawn(cmd, argv, { env: { PATH: process.env.PATH, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d) => (stdout += d));
	child.stderr!.on('data', (d) => (stderr += d));
	const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code, signal) => {
			const last = stdout.trim().split('\n').pop() ?? '';
			let json: unknown;
			try {
				json = last ? JSON.parse(last) : undefined;
			} catch {
				json = undefined;
			}
			resolve({ code, signal, stdout, stderr, json });
		});
	});
	return { child, stderrSoFar: () => stderr, done };
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
	return spawnCli(args, options).done;
}

/** The CLI as one executable with Node inside, built (when dist changed) by scripts/build-sea.sh. */
export function singleExecutable(): string {
	const repo = join(__dirname, '..', '..');
	const path = execFileSync('bash', [join(repo, 'scripts', 'build-sea.sh')], {
		cwd: repo,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return join(repo, path.trim());
}

/** What a bare machine has: Debian's programs and, at most, its Node 20; nothing of ours on PATH. */
export const BARE_ENV = { PATH: '/usr/bin:/bin' };
