import { recoverStack, type RecoverResult, type RecoverStep } from '../../core';
import { AGE_DECRYPT_USAGE, ageDecryptOptionSpec, readDecryptionKeys } from '../cli/ageOptions';
import { readDockerHost } from '../cli/backupSetOptions';
import type { Command } from '../cli/Command';
import { optionalNumber, optionalString, requiredString } from '../cli/optionValues';
import { readTrust, TRUST_USAGE, trustOptionSpec } from '../cli/signingOptions';
import { placeFrom } from '../cli/storageOptions';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup recover --root DIR|s3://BUCKET/PREFIX [--at latest|TIME] [--to latest|TIME] [--dry-run]
         [--config-dir DIR] [--readiness-timeout SECONDS] [--docker-host ADDR] [--trust-plan-commands]

Brings the whole stack back from one night's recovery plan (see \`plan\`), each step timed:
  1. show the plan (the newest written at or before --at, an ISO time; default latest)
     With --to, a Postgres base backup is brought to that moment (an ISO time, or "latest":
     all WAL collected) from the newest base backup before it and the set's collected WAL;
     a moment outside what the root holds is refused with the range that is possible.
  2. verify every set of that night (checksums, and signatures where a public key is given)
  3. check that the n8n image to be started knows the backup's last database migration
     (N8N_TOO_OLD otherwise: an older n8n cannot run on the restored database)
  4. stop n8n's containers (main and workers), or run the plan's stop command (an n8n that
     is a service or a process: \`plan --stop-command\`)
  5. restore Postgres (an existing database is replaced after a safety backup), Redis, volumes
  6. write the config files into a folder beside the live ones, and show how .env differs
     (variable names only); the live files are never overwritten. --config-dir names the
     live folder on this machine when the plan's (as n8n's container saw it) is not it
  7. start n8n again (its containers, or the plan's start command) and wait for its readiness URL
  8. compare n8n's workflows with the manifest
  9. print one summary with the RTO
--dry-run shows the plan and verifies the sets; it stops, restores and starts nothing.
A failure stops at once and leaves n8n stopped; the message says what state each part is in.
The plan's commands run with sh -c, each within 120 s. A plan read from a bucket runs them only
with --trust-plan-commands: anyone who can write to the bucket could have written them.
Run it again: it verifies and restores every set from the start.
Passwords come from PGPASSWORD (a Postgres reached over TCP) and REDISCLI_AUTH, never from flags.
${AGE_DECRYPT_USAGE}
${TRUST_USAGE}
Exit code 1 when the restored data differs from the manifests.`;

function readTo(text: string | undefined): Date | 'latest' | undefined {
	if (text === undefined || text === 'latest') return text;
	const to = new Date(text);
	if (Number.isNaN(to.getTime())) throw new UsageError(`--to takes "latest" or a time such as 2026-12-01T14:32:00Z, not "${text}"`);
	return to;
}

function readAt(text: string | undefined): Date | undefined {
	if (text === undefined || text === 'latest') return undefined;
	const at = new Date(text);
	if (Number.isNaN(at.getTime())) throw new UsageError(`--at takes "latest" or a time such as 2026-12-01T03:00:00Z, not "${text}"`);
	return at;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const recoverCommand: Command = {
	path: ['recover'],
	summary: "bring the whole stack back from a night's recovery plan",
	usage: USAGE,
	options: {
		...ageDecryptOptionSpec,
		...trustOptionSpec,
		root: { type: 'string' },
		at: { type: 'string' },
		to: { type: 'string' },
		'dry-run': { type: 'boolean' },
		'config-dir': { type: 'string' },
		'readiness-timeout': { type: 'string' },
		'docker-host': { type: 'string' },
		'trust-plan-commands': { type: 'boolean' },
		json: { type: 'boolean' },
	},
	run({ values, env, log }) {
		const timeout = optionalNumber(values, 'readiness-timeout');
		let n = 0;
		return recoverStack({
			root: placeFrom(requiredString(values, 'root'), 'root', env),
			at: readAt(optionalString(values, 'at')),
			to: readTo(optionalString(values, 'to')),
			dryRun: Boolean(values['dry-run']),
			docker: readDockerHost(values, env),
			keys: readDecryptionKeys(values),
			trust: readTrust(values, env),
			postgresPassword: env.PGPASSWORD || undefined,
			redisPassword: env.REDISCLI_AUTH || undefined,
			configDir: optionalString(values, 'config-dir'),
			readinessTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
			trustPlanCommands: Boolean(values['trust-plan-commands']),
			log,
			onStep: (step: RecoverStep, phase) => {
				if (phase === 'start') return log.info(`[${++n}] ${step.name} ...`);
				if (step.status === 'skipped') n++;
				const lines = step.lines.map((l) => `\n      ${l}`).join('');
				log.info(`[${n}] ${step.name}: ${step.status} in ${seconds(step.ms)}${lines}`);
			},
		});
	},
	render(result) {
		const r = result as RecoverResult;
		const lines = [r.dryRun ? `Dry run of ${r.planPath}: the sets verify; nothing was touched.` : `Recovered from ${r.planPath}`];
		for (const s of r.steps) lines.push(`  ${s.name.padEnd(22)} ${s.status.padEnd(8)} ${seconds(s.ms).padStart(8)}`);
		if (r.configDir) lines.push(`Config files: ${r.configDir} (compare, then move into place yourself)`);
		if (r.envDiff) {
			const d = r.envDiff;
			lines.push(
				d.liveMissing
					? '  .env: there is no live .env; the recovered one is the only copy'
					: d.added.length + d.removed.length + d.changed.length
						? `  .env differs from the live one: changed ${d.changed.join(', ') || '-'}; only in the backup ${d.added.join(', ') || '-'}; only live ${d.removed.join(', ') || '-'}`
						: '  .env: same as the live one',
			);
		}
		if (!r.dryRun) {
			lines.push(
				r.differences.length
					? `DIFFERS from the manifests:\n${r.differences.map((d) => `  - ${d}`).join('\n')}`
					: 'Everything matches the manifests.',
			);
			lines.push(`RTO: ${seconds(r.rtoMs)}${r.workflowsChecked !== null ? `; ${r.workflowsChecked} workflows checked` : ''}`);
		}
		return `${lines.join('\n')}\n`;
	},
	failed: (result) => (result as RecoverResult).differences.length > 0,
};
