import { openIoredisCommands } from './ioredisCommands';
import type { RedisConnection } from './RedisConnection';
import { parseInfo } from './redisInfo';

/** Connects and reads the server version: what a credential test needs. */
export async function checkRedisConnection(connection: RedisConnection): Promise<string> {
	const commands = await openIoredisCommands(connection);
	try {
		const info = parseInfo(await commands.call('INFO', 'server'));
		return `Connected to Redis ${info.redis_version ?? ''}`.trim();
	} finally {
		await commands.close();
	}
}
