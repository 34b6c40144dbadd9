import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8N_MAIN, type N8nInstance } from './n8nInstance';

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * An n8n that is no container, stopped and started by shell scripts, as a service manager would:
 * what a recovery plan's stop and start commands run. The start script puts n8n in the
 * background with the instance's own environment and writes its pid where the stop script
 * (and the test's cleanup) find it.
 */
export function n8nServiceHooks(n8n: N8nInstance): { stopCommand: string; startCommand: string; pidFile: string; kill: () => void } {
	const pidFile = join(n8n.userFolder, 'n8n.pid');
	const envArgs = Object.entries(n8n.env())
		.filter((entry): entry is [string, string] => entry[1] !== undefined)
		.map(([k, v]) => quote(`${k}=${v}`))
		.join(' ');
	const start = join(n8n.userFolder, 'start-n8n.sh');
	writeFileSync(
		start,
		`#!/bin/sh\nenv -i ${envArgs} ${quote(process.execPath)} ${quote(N8N_MAIN)} start >> ${quote(join(n8n.userFolder, 'server-hook.log'))} 2>&1 &\necho $! > ${quote(pidFile)}\n`,
		{ mode: 0o700 },
	);
	const stop = join(n8n.userFolder, 'stop-n8n.sh');
	writeFileSync(
		stop,
		`#!/bin/sh\npid=$(cat ${quote(pidFile)}) || exit 0\nkill "$pid" 2>/dev/null || exit 0\ni=0\nwhile kill -0 "$pid" 2>/dev/null; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.1; done\n`,
		{ mode: 0o700 },
	);
	return {
		stopCommand: `sh ${stop}`,
		startCommand: `sh ${start}`,
		pidFile,
		kill: () => {
			try {
				process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
			} catch {
				// not started, or gone
			}
		},
	};
}
