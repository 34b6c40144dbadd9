import { formatBytes, listSets, type SetListing } from '../../core';
import { placeFrom } from '../cli/storageOptions';
import type { Command } from '../cli/Command';
import { optionalString, requiredString } from '../cli/optionValues';

const USAGE = `Usage: n8n-stack-backup list --root DIR|s3://BUCKET/PREFIX [--set NAME] [--json]

Lists the sets under a backup root, or one set's complete runs (newest first),
from folders and manifests only, with each set's newest drill verdict (and,
for one set, each run's drill verdict and pin). A run without a manifest is incomplete (a run
that crashed): it is only counted, never listed or restored, and prune removes
it after its grace period. The last stdout line is the result as JSON;
--json prints only that.`;

function render(result: unknown): string {
	const sets = result as SetListing[];
	if (sets.length === 0) return 'No sets here.\n';
	const lines: string[] = [];
	for (const s of sets) {
		const drill = s.lastDrill ? `, last drill ${s.lastDrill.verdict.toUpperCase()} ${s.lastDrill.at}` : ', never drilled';
		lines.push(`${s.set}: ${s.complete} complete, ${s.incomplete} incomplete, newest ${s.newest ?? '-'}, ${formatBytes(s.bytes)}${drill}`);
		for (const r of s.runs ?? []) {
			const marks = [
				r.lastDrill ? `drill ${r.lastDrill.verdict.toUpperCase()} ${r.lastDrill.at}` : '',
				r.pinned ? `pinned: ${r.pinned}` : '',
			].filter(Boolean);
			lines.push(
				`  ${r.run}  ${r.kinds.join(',').padEnd(8)} ${formatBytes(r.bytes).padStart(10)}  ${r.path}${marks.length ? `  (${marks.join('; ')})` : ''}`,
			);
		}
	}
	return `${lines.join('\n')}\n`;
}

export const listCommand: Command = {
	path: ['list'],
	summary: "list the sets under a backup root, or one set's runs",
	usage: USAGE,
	options: { root: { type: 'string' }, set: { type: 'string' }, json: { type: 'boolean' } },
	run: ({ values, env }) => listSets(placeFrom(requiredString(values, 'root'), 'root', env), optionalString(values, 'set')),
	render,
};
