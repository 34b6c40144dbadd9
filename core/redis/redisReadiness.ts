import { StackBackupError } from '../errors/StackBackupError';
import type { RedisCommands } from './RedisCommands';
import { keyCounts, parseInfo } from './redisInfo';

/** Waits until Redis answers and has finished loading its dataset; returns its key counts. */
export async function waitForLoadedRedis(redis: RedisCommands, timeoutMs = 60_000): Promise<Record<string, number>> {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		try {
			// INFO answers while Redis loads, with loading:1: one call a round (each is an exec in the container).
			const info = parseInfo(await redis.call('INFO'));
			if (info.loading === '0') return keyCounts(info);
		} catch (error) {
			last = (error as Error).message;
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new StackBackupError(
		'REDIS_TIMEOUT',
		`${redis.where} did not finish loading the RDB within ${Math.round(timeoutMs / 1000)} s${last ? ` (${last})` : ''}`,
		{
			hint: 'Check the Redis log (docker logs NAME): a damaged or newer-version RDB stops Redis at start.',
		},
	);
}

/** Key counts per database against the manifest's, in words. */
export function compareKeyCounts(actual: Record<string, number>, expected: Record<string, number> | undefined): string[] {
	if (!expected) return ['the manifest has no Redis key counts to compare with'];
	const differences: string[] = [];
	for (const db of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
		if ((actual[db] ?? 0) !== (expected[db] ?? 0))
			differences.push(`${db} has ${actual[db] ?? 0} keys, the manifest says ${expected[db] ?? 0}`);
	}
	return differences;
}
