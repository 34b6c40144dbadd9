import { writeRecoveryPlan, type RecoveryPlan } from '../../core';
import type { Command } from '../cli/Command';
import { placeFrom } from '../cli/storageOptions';
import { optionalString, requiredString, stringList } from '../cli/optionValues';

const USAGE = `Usage: n8n-stack-backup plan --root DIR|s3://BUCKET/PREFIX --sets NAME[,NAME...]
         [--n8n-container NAME]... [--health-url URL] [--stop-command CMD] [--start-command CMD]

Writes a recovery plan beside the sets (<root>/recovery-plans/<UTC time>.json): the newest
complete run of each set and where it goes back to (the Postgres container or server and
database, the Redis container, the volume, the config folder), read from the manifests, and
which containers run n8n (stopped during a recovery) and n8n's readiness URL. It holds no
secret. The nightly templates write one after their backups; \`recover\` reads it.
For an n8n that is not a container (a service on a VM, a process), --stop-command and
--start-command are shell command lines that \`recover\` runs to stop and start it
(e.g. "systemctl stop n8n"); one line each, no secret.`;

export const planCommand: Command = {
	path: ['plan'],
	summary: "write a recovery plan for the night's sets",
	usage: USAGE,
	options: {
		root: { type: 'string' },
		sets: { type: 'string' },
		'n8n-container': { type: 'string', multiple: true },
		'health-url': { type: 'string' },
		'stop-command': { type: 'string' },
		'start-command': { type: 'string' },
		json: { type: 'boolean' },
	},
	run: ({ values, env }) =>
		writeRecoveryPlan({
			root: placeFrom(requiredString(values, 'root'), 'root', env),
			setNames: requiredString(values, 'sets'),
			n8n: {
				containers: stringList(values, 'n8n-container') ?? [],
				healthUrl: optionalString(values, 'health-url') ?? null,
				stopCommand: optionalString(values, 'stop-command') ?? null,
				startCommand: optionalString(values, 'start-command') ?? null,
			},
		}),
	render(result) {
		const { plan, path } = result as { plan: RecoveryPlan; path: string };
		return `Wrote ${path}\n${plan.sets.map((s) => `  ${s.set}/${s.run} (${s.target.kind})`).join('\n')}\n`;
	},
};
