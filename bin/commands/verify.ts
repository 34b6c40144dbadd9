import { parseRedisUrl, runRestoreDrill, verifySet, verifySetForRestore, type DrillVerdict, type ScratchRedis } from '../../core';
import { readDockerHost } from '../cli/backupSetOptions';
import { AGE_DECRYPT_USAGE, ageDecryptOptionSpec, readDecryptionKeys } from '../cli/ageOptions';
import { placeFrom } from '../cli/storageOptions';
import { readTrust, TRUST_USAGE, trustOptionSpec } from '../cli/signingOptions';
import type { Command } from '../cli/Command';
import { optionalString } from '../cli/optionValues';
import { postgresOptionSpec, readPostgresTarget } from '../cli/postgresOptions';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup verify SETPATH [--drill [--url postgres://user@host:port | --container NAME [--user U]]
         [--redis-container NAME | --redis-url redis://127.0.0.1:PORT | --redis-server PATH] [--dir TMP] [--jobs N] [--docker-host ADDR]]

Checks a set's manifest and the sha256 of every artifact. SETPATH is a run
folder, or a set folder for its newest complete set.
With --drill it also restores the set into scratch targets and compares the
result with the manifest, then removes them; the live targets are never touched:
  Postgres  a scratch database on the server of --url (local psql/pg_restore)
            or in --container (its own tools); the password from PGPASSWORD
  Redis     a throwaway container from the image of --redis-container (no network),
            an EMPTY Redis on this machine (--redis-url; loaded by replication, flushed after;
            one that holds keys is refused), or a throwaway redis-server on a free loopback
            port (--redis-server, default on PATH)
  volumes   a temp folder under --dir (default: the system temp folder)
Encrypted sets: the checksum check needs no key; a drill does.
${AGE_DECRYPT_USAGE}
${TRUST_USAGE}
Exit code 1 when the verdict is "fail".`;

export const verifyCommand: Command = {
	path: ['verify'],
	summary: "check a set's checksums, or drill a full restore into scratch targets",
	usage: USAGE,
	options: {
		...ageDecryptOptionSpec,
		...trustOptionSpec,
		...postgresOptionSpec,
		drill: { type: 'boolean' },
		'redis-container': { type: 'string' },
		'redis-server': { type: 'string' },
		'redis-url': { type: 'string' },
		dir: { type: 'string' },
		jobs: { type: 'string' },
		'docker-host': { type: 'string' },
	},
	async run({ positionals, values, env, log }) {
		if (positionals.length !== 1) throw new UsageError('give one SETPATH');
		const setPath = placeFrom(positionals[0], 'setFolder', env);
		if (!values.drill) {
			const keys = readDecryptionKeys(values);
			const trust = readTrust(values, env);
			const set = keys ? await verifySetForRestore(setPath, log, keys, trust) : await verifySet(setPath, log, undefined, trust);
			return {
				set: set.manifest.set,
				path: set.dir,
				verdict: 'pass',
				signedBy: set.signedBy,
				checked: set.manifest.artifacts.map((a) => ({ file: a.file, size: a.size, sha256: a.sha256 })),
			};
		}
		const pg = readPostgresTarget(values, env, { databaseRequired: false });
		const redisContainer = optionalString(values, 'redis-container');
		const redisUrl = optionalString(values, 'redis-url');
		const redis: ScratchRedis = redisContainer
			? { type: 'container', docker: readDockerHost(values, env), likeContainer: redisContainer }
			: redisUrl
				? {
						type: 'url',
						connection: { ...parseRedisUrl(redisUrl), password: parseRedisUrl(redisUrl).password ?? (env.REDISCLI_AUTH || undefined) },
					}
				: { type: 'local', redisServerPath: optionalString(values, 'redis-server') };
		return runRestoreDrill({
			setPath,
			postgres: pg ? { ...pg, jobs: optionalString(values, 'jobs') } : undefined,
			redis,
			scratchDir: optionalString(values, 'dir'),
			keys: readDecryptionKeys(values),
			trust: readTrust(values, env),
			log,
		});
	},
	render(result) {
		const v = result as DrillVerdict & { checked?: unknown[] };
		if (v.checked) return `PASS ${v.path}: ${v.checked.length} artifact(s) match their sha256\n`;
		const lines = [`${v.verdict.toUpperCase()} ${v.path}`];
		for (const c of v.checks) lines.push(`  ${c.result.padEnd(4)} ${c.artifact}: ${c.summary}`);
		for (const d of v.differences) lines.push(`  - ${d}`);
		return `${lines.join('\n')}\n`;
	},
	failed: (result) => (result as { verdict?: string }).verdict === 'fail',
};
