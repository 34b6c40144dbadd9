import { formatBytes, type CopySetsResult, copySets } from '../../core';
import type { Command } from '../cli/Command';
import { requiredString } from '../cli/optionValues';
import { placeFrom } from '../cli/storageOptions';
import { readTrust, TRUST_USAGE, trustOptionSpec } from '../cli/signingOptions';

const USAGE = `Usage: n8n-stack-backup copy --from DIR|s3://BUCKET/PREFIX --to DIR|s3://BUCKET/PREFIX [--set NAME]... [--json]

Copies the complete sets that the target lacks, newest first: per run, the
artifacts first and the manifest last, every byte checked against the
manifest's sha256 on the way. Runs already there with the same manifest are
skipped; nothing in the target is ever overwritten. Both directions work: a
folder to a bucket (off-site), or a bucket to a folder (for a fast local restore).
Buckets are reached with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
AWS_ENDPOINT_URL (and AWS_CA_BUNDLE). Without --set, every set under --from.
With --public-key, only runs signed by that key are copied; the others are reported.
${TRUST_USAGE}
Exit code 1 when a run could not be copied.`;

function render(result: unknown): string {
	const r = result as CopySetsResult;
	const lines = r.runs.map(
		(run) => `  ${run.action.padEnd(13)} ${run.set}/${run.run}${run.error ? `  ${run.error.code}: ${run.error.message}` : ''}`,
	);
	lines.push(`${r.copied} copied (${formatBytes(r.bytes)}), ${r.skipped} already there, ${r.failed} failed, to ${r.to}`);
	return `${lines.join('\n')}\n`;
}

export const copyCommand: Command = {
	path: ['copy'],
	summary: 'copy complete sets to another folder or bucket (off-site), checking every byte',
	usage: USAGE,
	options: {
		from: { type: 'string' },
		to: { type: 'string' },
		set: { type: 'string', multiple: true },
		json: { type: 'boolean' },
		...trustOptionSpec,
	},
	fieldFlags: { root: '--from and --to' },
	run: ({ values, env, log }) =>
		copySets({
			from: placeFrom(requiredString(values, 'from'), 'root', env),
			to: placeFrom(requiredString(values, 'to'), 'root', env),
			setNames: (values.set as string[] | undefined) ?? [],
			trust: readTrust(values, env),
			log,
		}),
	render,
	failed: (result) => (result as CopySetsResult).failed > 0,
};
