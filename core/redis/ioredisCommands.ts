import type { Redis } from 'ioredis';
import { describeRedis, type RedisConnection } from './RedisConnection';
import type { RedisCommands } from './RedisCommands';
import { redisError } from './redisErrors';

// Loaded on first use: ioredis takes about 0.1 s to load, which a run without Redis should not pay.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadIoredis = (): { Redis: typeof Redis } => require('ioredis');

/**
 * Commands over TCP with ioredis: one attempt, no retries, so failures surface at once;
 * each waits at most `commandTimeoutMs` (a frozen Redis keeps its connection open).
 */
export async function openIoredisCommands(connection: RedisConnection, commandTimeoutMs = 60_000): Promise<RedisCommands> {
	const where = describeRedis(connection);
	const client = new (loadIoredis().Redis)({
		host: connection.host,
		port: connection.port,
		username: connection.user || undefined,
		password: connection.password || undefined,
		db: connection.database ?? 0,
		tls: connection.ssl ? { rejectUnauthorized: !connection.disableTlsVerification } : undefined,
		lazyConnect: true,
		connectTimeout: 10_000,
		commandTimeout: commandTimeoutMs,
		maxRetriesPerRequest: 0,
		enableOfflineQueue: false,
		retryStrategy: () => null,
	});
	// A refused login arrives here (WRONGPASS...), while connect() only says "Connection is closed".
	let firstError: unknown;
	client.on('error', (error) => (firstError ??= error));
	try {
		await client.connect();
	} catch (error) {
		client.disconnect();
		throw redisError(firstError ?? error, where, connection.password);
	}
	return {
		where,
		async call(...args) {
			try {
				const reply = await client.call(args[0], ...args.slice(1));
				return Array.isArray(reply) ? reply.map(String).join('\n') : String(reply);
			} catch (error) {
				throw redisError(error, where, connection.password);
			}
		},
		async close() {
			client.disconnect();
		},
	};
}
