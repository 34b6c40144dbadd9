import { listWorkflows, type WorkflowListing } from '../../core';
import { placeFrom } from '../cli/storageOptions';
import { readTrust, TRUST_USAGE, trustOptionSpec } from '../cli/signingOptions';
import type { Command } from '../cli/Command';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup list workflows SETPATH [--json]

Lists the n8n workflows in a Postgres set, from its manifest alone (nothing is
restored). SETPATH is a run folder, or a set folder for its newest set.
${TRUST_USAGE}`;

export const listWorkflowsCommand: Command = {
	path: ['list', 'workflows'],
	summary: 'list the n8n workflows in a set (from its manifest)',
	usage: USAGE,
	options: { json: { type: 'boolean' }, ...trustOptionSpec },
	run: ({ positionals, values, env }) => {
		if (positionals.length !== 1) throw new UsageError('give one SETPATH');
		return listWorkflows(placeFrom(positionals[0], 'setFolder', env), readTrust(values, env));
	},
	render: (result) =>
		`${(result as WorkflowListing[]).map((w) => `${w.id}  ${w.active ? 'active  ' : 'inactive'}  ${w.updatedAt}  ${w.name}`).join('\n')}\n`,
};
