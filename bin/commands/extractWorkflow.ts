import { extractWorkflow } from '../../core';
import { AGE_DECRYPT_USAGE, ageDecryptOptionSpec, readDecryptionKeys } from '../cli/ageOptions';
import { placeFrom } from '../cli/storageOptions';
import { readTrust, TRUST_USAGE, trustOptionSpec } from '../cli/signingOptions';
import type { Command } from '../cli/Command';
import { requiredString } from '../cli/optionValues';
import { postgresOptionSpec, readPostgresTarget } from '../cli/postgresOptions';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup extract workflow SETPATH --id WORKFLOW_ID
         [--container NAME | --url postgres://host] [--docker-host ADDR]

Prints one workflow from a Postgres set as the JSON n8n creates workflows from
(POST /api/v1/workflows, or the n8n node's "Create a workflow"), named
"<name> (restored YYYY-MM-DD)". A custom-format dump needs pg_restore: locally
(--url, any server) or in the Postgres container (--container).
${AGE_DECRYPT_USAGE}
${TRUST_USAGE}`;

export const extractWorkflowCommand: Command = {
	path: ['extract', 'workflow'],
	summary: 'print one workflow of a set as importable JSON',
	usage: USAGE,
	options: {
		...ageDecryptOptionSpec,
		...trustOptionSpec,
		...postgresOptionSpec,
		id: { type: 'string' },
		'docker-host': { type: 'string' },
	},
	run: ({ positionals, values, env, log }) => {
		if (positionals.length !== 1) throw new UsageError('give one SETPATH');
		const target = readPostgresTarget(values, env, { databaseRequired: false });
		return extractWorkflow({
			setPath: placeFrom(positionals[0], 'setFolder', env),
			workflowId: requiredString(values, 'id'),
			keys: readDecryptionKeys(values),
			trust: readTrust(values, env),
			pgRestore: target ?? { method: 'local', connection: { database: 'postgres' }, pgDumpPath: undefined, docker: undefined },
			log,
		});
	},
};
