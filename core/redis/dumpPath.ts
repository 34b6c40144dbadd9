import { posix } from 'node:path';
import { StackBackupError } from '../errors/StackBackupError';
import type { RedisCommands } from './RedisCommands';

/** Where Redis writes (and reads at start) its RDB: CONFIG GET dir + dbfilename. */
export async function dumpPath(redis: RedisCommands): Promise<string> {
	const [dir, file] = (await Promise.all([redis.call('CONFIG', 'GET', 'dir'), redis.call('CONFIG', 'GET', 'dbfilename')])).map(
		(reply) => reply.split('\n')[1],
	);
	if (!dir || !file) {
		throw new StackBackupError('REDIS_FAILED', `Could not read where ${redis.where} writes its dump (CONFIG GET dir/dbfilename)`, {
			hint: 'The user may lack +config; give the dump file path explicitly.',
		});
	}
	return posix.join(dir, file);
}
