import { DEFAULT_INCOMPLETE_GRACE_HOURS, formatBytes, pruneSets, type PruneResult, type RetentionPolicy } from '../../core';
import { placeFrom } from '../cli/storageOptions';
import type { Command } from '../cli/Command';
import { optionalString, requiredString } from '../cli/optionValues';

const USAGE = `Usage: n8n-stack-backup prune --root DIR --set NAME [--keep-last N] [--keep-hourly N]
         [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N]
         [--keep-within 30d] [--time-zone UTC] [--grace-hours ${DEFAULT_INCOMPLETE_GRACE_HOURS}] [--dry-run] [--json]

Deletes the complete sets of one set name that no rule keeps. Rules are ORed
(a set kept by any rule stays). Calendar rules keep the newest set of each of
the last N hours/days/ISO weeks/months/years that hold a set, in --time-zone.
--keep-within keeps sets up to that much older than the newest set (y m w d h).
The newest complete set is always kept; an empty policy is refused; files that
are not ours are never touched. Runs that crashed (no manifest) are removed
once older than --grace-hours. --dry-run lists every set and why, deleting nothing.`;

function render(result: unknown): string {
	const r = result as PruneResult;
	const lines = [`${r.dryRun ? 'Dry run: ' : ''}${r.set} (${r.policy}, ${r.timeZone})`];
	for (const s of [...r.sets, ...r.incomplete])
		lines.push(`  ${s.action.padEnd(14)} ${s.run}${s.complete ? '' : ' (incomplete)'}  ${s.reasons.join('; ')}`);
	for (const i of r.ignored) lines.push(`  not ours       ${i.name}  ${i.why}`);
	lines.push(`${r.kept} kept, ${r.deleted} ${r.dryRun ? 'would be deleted' : 'deleted'} (${formatBytes(r.freedBytes)})`);
	return `${lines.join('\n')}\n`;
}

export const pruneCommand: Command = {
	path: ['prune'],
	summary: 'apply a retention policy to one set name',
	usage: USAGE,
	options: {
		root: { type: 'string' },
		set: { type: 'string' },
		'keep-last': { type: 'string' },
		'keep-hourly': { type: 'string' },
		'keep-daily': { type: 'string' },
		'keep-weekly': { type: 'string' },
		'keep-monthly': { type: 'string' },
		'keep-yearly': { type: 'string' },
		'keep-within': { type: 'string' },
		'time-zone': { type: 'string' },
		'grace-hours': { type: 'string' },
		'dry-run': { type: 'boolean' },
		json: { type: 'boolean' },
	},
	run({ values, log, env }) {
		const policy: RetentionPolicy = {
			keepLast: optionalString(values, 'keep-last'),
			keepHourly: optionalString(values, 'keep-hourly'),
			keepDaily: optionalString(values, 'keep-daily'),
			keepWeekly: optionalString(values, 'keep-weekly'),
			keepMonthly: optionalString(values, 'keep-monthly'),
			keepYearly: optionalString(values, 'keep-yearly'),
			keepWithin: optionalString(values, 'keep-within'),
		};
		return pruneSets({
			root: placeFrom(requiredString(values, 'root'), 'root', env),
			setName: requiredString(values, 'set'),
			policy,
			timeZone: optionalString(values, 'time-zone'),
			incompleteGraceHours: optionalString(values, 'grace-hours'),
			dryRun: Boolean(values['dry-run']),
			log,
		});
	},
	render,
};
