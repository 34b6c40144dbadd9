import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'n8n-stack-backup.js');
export const NODE24 = process.execPath;
/** Debian's Node 20: the CLI must run on whatever Node a user has at hand. */
export const NODE20 = '/usr/bin/node';

export interface CliRun {
	code: number | null;
	stdout: string;
	stderr: string;
	/** The last stdout line, parsed. */
	json: any;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; node?: string; unprivileged?: boolean } = {}): Promise<CliRun> {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it).`);
	const node = options.node ?? NODE24;
	// Debian's nobody:nogroup, with no supplementary groups.
	const [cmd, argv] = options.unprivileged
		? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', node, CLI, ...args]]
		: [node, [CLI, ...args]];
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, argv, { env: { PATH: process.env.PATH, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => {
			const last = stdout.trim().split('\n').pop() ?? '';
			let json: unknown;
			try {
				json = last ? JSON.parse(last) : undefined;
			} catch {
				json = undefined;
			}
			resolve({ code, stdout, stderr, json });
		});
	});
}
