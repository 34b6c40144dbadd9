import { restoreSet, type RestoreSetOptions, type RestoreSetResult } from '../../core';
import { readDockerHost } from '../cli/backupSetOptions';
import { AGE_DECRYPT_USAGE, ageDecryptOptionSpec, readDecryptionKeys } from '../cli/ageOptions';
import { placeFrom } from '../cli/storageOptions';
import { readTrust, TRUST_USAGE, trustOptionSpec } from '../cli/signingOptions';
import type { Command } from '../cli/Command';
import { optionalNumber, optionalString } from '../cli/optionValues';
import { postgresOptionSpec, readPostgresTarget } from '../cli/postgresOptions';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup restore SETPATH
         [--url postgres://user@host:port/db | --container NAME --database DB [--user U]]
         [--replace DBNAME] [--jobs N] [--no-owner] [--pg-dump PATH]
         [--volume NAME | --dir PATH | --bucket s3://BUCKET/PREFIX] [--overwrite]
         [--redis-container NAME [--redis-port 6379] [--redis-user U]] [--docker-host ADDR]

Restores a set after checking every artifact's sha256. SETPATH is a run folder,
or a set folder for its newest complete set ("last night's").
  Postgres  into the database of --url (local psql/pg_restore) or --database in
            --container (its own tools). A missing database is created. An existing
            one is replaced only with --replace and its name, after a safety
            backup into <root>/pre-restore-<db>/. Custom dumps use pg_restore --jobs.
  volumes   into a Docker volume (--volume, created if missing) or a folder (--dir);
            or objects under a bucket prefix (--bucket, reached with the AWS_* variables);
            existing files are kept unless --overwrite. Nothing is written outside.
  files     config files into the folder --dir, each under its own name.
  Redis     into --redis-container: stop, put dump.rdb, start, count the keys.
Passwords come from PGPASSWORD and REDISCLI_AUTH (or the URL), never from flags.
Encrypted sets: every artifact must open with the key given before anything is restored.
${AGE_DECRYPT_USAGE}
${TRUST_USAGE}
Exit code 1 when the restored data differs from the manifest.`;

export const restoreCommand: Command = {
	path: ['restore'],
	summary: 'restore a set (Postgres, Redis, volume, folder, files)',
	usage: USAGE,
	options: {
		...ageDecryptOptionSpec,
		...trustOptionSpec,
		...postgresOptionSpec,
		replace: { type: 'string' },
		jobs: { type: 'string' },
		'no-owner': { type: 'boolean' },
		volume: { type: 'string' },
		dir: { type: 'string' },
		bucket: { type: 'string' },
		overwrite: { type: 'boolean' },
		'helper-image': { type: 'string' },
		'redis-container': { type: 'string' },
		'redis-port': { type: 'string' },
		'redis-user': { type: 'string' },
		'docker-host': { type: 'string' },
	},
	run({ positionals, values, env, log }) {
		if (positionals.length !== 1) throw new UsageError('give one SETPATH');
		const pg = readPostgresTarget(values, env, { databaseRequired: true });
		const volume = optionalString(values, 'volume');
		const dir = optionalString(values, 'dir');
		const bucket = optionalString(values, 'bucket');
		if ([volume, dir, bucket].filter(Boolean).length > 1) throw new UsageError('give one of --volume, --dir or --bucket');
		const redisContainer = optionalString(values, 'redis-container');
		const overwrite = Boolean(values.overwrite);
		const options: RestoreSetOptions = {
			setPath: placeFrom(positionals[0], 'setFolder', env),
			keys: readDecryptionKeys(values),
			trust: readTrust(values, env),
			log,
			postgres: pg && {
				...pg,
				confirmReplace: optionalString(values, 'replace'),
				jobs: optionalString(values, 'jobs'),
				noOwner: Boolean(values['no-owner']),
			},
			redis: redisContainer
				? {
						docker: { connection: readDockerHost(values, env), container: redisContainer },
						connection: {
							port: optionalNumber(values, 'redis-port'),
							user: optionalString(values, 'redis-user'),
							password: env.REDISCLI_AUTH || undefined,
						},
					}
				: undefined,
			volume: volume
				? {
						target: { type: 'volume', volume, image: optionalString(values, 'helper-image') },
						overwrite,
						docker: readDockerHost(values, env),
					}
				: dir
					? { target: { type: 'dir', path: dir }, overwrite }
					: bucket
						? { target: { type: 'bucket', place: placeFrom(bucket, 'restoreTargets', env) }, overwrite }
						: undefined,
			files: dir ? { dir, overwrite } : undefined,
		};
		return restoreSet(options);
	},
	render(result) {
		const r = result as RestoreSetResult;
		const lines = [`Restored ${r.set}`];
		if (r.postgres)
			lines.push(
				`  postgres: database "${r.postgres.database}"${r.postgres.replaced ? ` (replaced; safety backup ${r.postgres.safetyBackup})` : ''}`,
			);
		if (r.redis) lines.push(`  redis: ${r.redis.container}:${r.redis.path}`);
		if (r.volume) lines.push(`  volume: ${r.volume.archive.files} files (${r.volume.mode})`);
		for (const f of r.files?.files ?? []) lines.push(`  file: ${f.original} -> ${f.restoredTo} (${f.action})`);
		lines.push(
			r.differences.length ? `DIFFERS from the manifest:\n${r.differences.map((d) => `  - ${d}`).join('\n')}` : 'Matches the manifest.',
		);
		return `${lines.join('\n')}\n`;
	},
	failed: (result) => (result as RestoreSetResult).differences.length > 0,
};
