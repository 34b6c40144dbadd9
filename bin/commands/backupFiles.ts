import { backupFiles, backupReport } from '../../core';
import { BACKUP_SET_USAGE, backupSetOptionSpec, readBackupSetOptions } from '../cli/backupSetOptions';
import type { Command } from '../cli/Command';
import { stringList } from '../cli/optionValues';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup backup files --root DIR --set NAME --file PATH... [--optional PATH]...

Copies config files (.env, docker-compose.yml, nginx config...) into a new backup set, each stored
0600 and listed in the manifest with its size and sha256. A missing --file is an error; a missing
--optional file is a warning. The fingerprint of an N8N_ENCRYPTION_KEY found in a file is recorded
(never the key).

${BACKUP_SET_USAGE}`;

export const backupFilesCommand: Command = {
	path: ['backup', 'files'],
	summary: 'copy config files into a backup set',
	usage: USAGE,
	options: { ...backupSetOptionSpec, file: { type: 'string', multiple: true }, optional: { type: 'string', multiple: true } },
	async run({ values, log, env }) {
		const files = stringList(values, 'file') ?? [];
		const optional = stringList(values, 'optional') ?? [];
		if (files.length + optional.length === 0) throw new UsageError('give at least one --file PATH');
		return backupReport(await backupFiles({ ...readBackupSetOptions(values, log, env), files, optional }));
	},
};
