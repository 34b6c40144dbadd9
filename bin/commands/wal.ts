import { checkWalHealth, collectWal, stopWal, walHealthError, type WalCollectResult, type WalHealth, type WalStopResult } from '../../core';
import { BACKUP_SET_USAGE, backupSetOptionSpec, readBackupSetOptions } from '../cli/backupSetOptions';
import type { Command } from '../cli/Command';
import { optionalNumber, requiredString } from '../cli/optionValues';
import { postgresOptionSpec, readPostgresTarget } from '../cli/postgresOptions';
import { UsageError } from '../cli/UsageError';

const TARGET = `(--url postgres://user@host:port/db | --container NAME --database DB [--user U])`;

const COLLECT_USAGE = `Usage: n8n-stack-backup wal collect --root DIR|s3://BUCKET/PREFIX --set NAME
         ${TARGET}

Collects Postgres' write-ahead log for point-in-time recovery, once: through the set's own
replication slot (made on the first run), pg_receivewal reads up to the server's position
now and stops. Each segment goes to ROOT/NAME/wal/<timeline>/ with its sha256, and a batch
record (the position, the time, n8n's workflows) is written last. Run it every 5 minutes
(cron, or the WAL collection template); a run that dies is taken up by the next.
With a base backup (backup postgres --format physical) of the same set, recover --to TIME
reaches any moment up to the newest batch.

${BACKUP_SET_USAGE}`;

const STOP_USAGE = `Usage: n8n-stack-backup wal stop --set NAME ${TARGET}

Turns point-in-time recovery off for a set: drops its replication slot, so Postgres stops
keeping WAL for it. The WAL already collected stays until retention prunes it.`;

const STATUS_USAGE = `Usage: n8n-stack-backup wal status --root DIR|s3://BUCKET/PREFIX --set NAME ${TARGET}
         [--max-age-minutes 30]

The watchdog's check: fails (exit code 1) when WAL collection has not advanced for
--max-age-minutes, or when the set's slot holds more than 80% of max_slot_wal_keep_size.`;

function target(values: Parameters<Command['run']>[0]['values'], env: NodeJS.ProcessEnv) {
	const found = readPostgresTarget(values, env, { databaseRequired: true });
	if (!found) throw new UsageError('give --url (local pg_receivewal) or --container (in the Postgres container)');
	return found;
}

export const walCollectCommand: Command = {
	path: ['wal', 'collect'],
	summary: "collect Postgres' WAL once, for point-in-time recovery",
	usage: COLLECT_USAGE,
	options: { ...backupSetOptionSpec, ...postgresOptionSpec },
	run: async ({ values, env, log }) => collectWal({ ...readBackupSetOptions(values, log, env), ...target(values, env) }),
	render: (result) => {
		const r = result as WalCollectResult;
		return `WAL of ${r.set} collected up to ${r.lsn} (${r.collectedAt}): ${r.segments} segment(s)${r.partial ? ' and the partial one' : ''}, ${r.bytesStored} bytes stored\n`;
	},
};

export const walStopCommand: Command = {
	path: ['wal', 'stop'],
	summary: "turn WAL collection off (drop the set's replication slot)",
	usage: STOP_USAGE,
	options: { set: { type: 'string' }, 'docker-host': { type: 'string' }, ...postgresOptionSpec },
	run: async ({ values, env, log }) => stopWal({ setName: requiredString(values, 'set'), log, ...target(values, env) }),
	render: (result) => {
		const r = result as WalStopResult;
		return r.dropped ? `Dropped ${r.slot}: Postgres keeps no WAL for ${r.set} any more\n` : `No slot ${r.slot}: collection was off\n`;
	},
};

export const walStatusCommand: Command = {
	path: ['wal', 'status'],
	summary: 'check that WAL collection advances and its slot is safe',
	usage: STATUS_USAGE,
	options: { ...backupSetOptionSpec, ...postgresOptionSpec, 'max-age-minutes': { type: 'string' } },
	run: async ({ values, env, log }) => {
		const health = await checkWalHealth({
			...readBackupSetOptions(values, log, env),
			...target(values, env),
			maxAgeMinutes: optionalNumber(values, 'max-age-minutes'),
		});
		const error = walHealthError(health);
		if (error) throw error;
		return health;
	},
	render: (result) => {
		const r = result as WalHealth;
		return `WAL of ${r.set}: newest batch ${r.newestBatchAt} (${r.ageMinutes} min ago); slot ${r.slot} holds ${Math.round((r.slotState?.retainedBytes ?? 0) / 1048576)} MiB${r.limitBytes ? ` of ${Math.round(r.limitBytes / 1048576)} MiB` : ' (no limit)'}\n`;
	},
};
