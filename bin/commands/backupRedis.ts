import { backupRedis, backupReport, DEFAULT_BGSAVE_TIMEOUT_SECONDS, parseRedisUrl, type RedisConnection } from '../../core';
import { BACKUP_SET_USAGE, backupSetOptionSpec, readBackupSetOptions, readDockerHost } from '../cli/backupSetOptions';
import type { Command } from '../cli/Command';
import { oneOf, optionalNumber, optionalString } from '../cli/optionValues';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup backup redis --root DIR --set NAME
         (--url redis://[user[:password]@]host:port[/db] [--method sync|file] [--file PATH]
          | --container NAME [--port 6379] [--user U]) [--bgsave-timeout ${DEFAULT_BGSAVE_TIMEOUT_SECONDS}]

Takes a consistent RDB snapshot of Redis into a new backup set, checked (magic, version, CRC-64)
before the set is sealed.
  --url               over the network: replication like redis-cli --rdb (--method sync, the default),
                      or BGSAVE and then the dump file on this machine (--method file [--file PATH])
  --container         BGSAVE inside that container, then copy dump.rdb out through the Docker API;
                      --port is the port Redis listens on inside the container
  --bgsave-timeout    seconds Redis may take to write its snapshot
The password comes from REDISCLI_AUTH (or the URL); it is never passed on a command line.

${BACKUP_SET_USAGE}`;

export const backupRedisCommand: Command = {
	path: ['backup', 'redis'],
	summary: 'snapshot Redis (RDB) into a backup set',
	usage: USAGE,
	fieldFlags: { redisContainer: '--container', redisMethod: '--method, or --container' },
	options: {
		...backupSetOptionSpec,
		url: { type: 'string' },
		method: { type: 'string' },
		file: { type: 'string' },
		container: { type: 'string' },
		port: { type: 'string' },
		user: { type: 'string' },
		'bgsave-timeout': { type: 'string' },
	},
	async run({ values, env, log }) {
		const url = optionalString(values, 'url');
		const container = optionalString(values, 'container');
		if (!url && !container) throw new UsageError('give --url (over the network) or --container (BGSAVE in a container)');
		const fromUrl: Partial<RedisConnection> = url ? parseRedisUrl(url) : {};
		const connection: RedisConnection = {
			host: fromUrl.host ?? '127.0.0.1',
			...fromUrl,
			port: optionalNumber(values, 'port') ?? fromUrl.port ?? 6379,
			user: optionalString(values, 'user') ?? fromUrl.user,
			password: fromUrl.password ?? (env.REDISCLI_AUTH || undefined),
		};
		const method = container ? 'docker' : oneOf(values, 'method', ['sync', 'file'] as const, 'sync');
		const result = await backupRedis({
			...readBackupSetOptions(values, log, env),
			method,
			connection,
			docker: container ? { connection: readDockerHost(values, env), container } : undefined,
			filePath: optionalString(values, 'file'),
			bgsaveTimeoutSeconds: optionalString(values, 'bgsave-timeout'),
		});
		return backupReport(result);
	},
};
