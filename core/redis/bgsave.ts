import { StackBackupError } from '../errors/StackBackupError';
import type { Logger } from '../logging/Logger';
import type { RedisCommands } from './RedisCommands';
import { parseInfo } from './redisInfo';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Has Redis write a fresh dump.rdb and waits until it is on disk. A BGSAVE
 * already in progress is waited for (it started before us, so one more is
 * run after it). LASTSAVE has one-second resolution, so a save in the same
 * second as the previous one would go unseen: start on a fresh second.
 */
export async function bgsaveAndWait(redis: RedisCommands, log: Logger, timeoutMs = 300_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	const before = Number(await redis.call('LASTSAVE'));
	const nowSeconds = () => Math.floor(Date.now() / 1000);
	if (nowSeconds() <= before) await sleep(1000 - (Date.now() % 1000) + 20);

	for (;;) {
		try {
			await redis.call('BGSAVE');
			break;
		} catch (error) {
			if (!/in progress/i.test((error as Error).message)) throw error;
			log.info(`A background save is already running on ${redis.where}; waiting for it`);
			await waitUntilIdle(redis, deadline);
		}
	}
	log.info(`BGSAVE started on ${redis.where}`);
	for (;;) {
		const info = parseInfo(await redis.call('INFO', 'persistence'));
		const last = Number(await redis.call('LASTSAVE'));
		if (last > before && info.rdb_bgsave_in_progress === '0') return;
		if (info.rdb_bgsave_in_progress === '0' && info.rdb_last_bgsave_status === 'err') {
			throw new StackBackupError('REDIS_BGSAVE_FAILED', `BGSAVE failed on ${redis.where}`, {
				hint: 'Redis could not write its dump file: check free space and permissions of its data folder (CONFIG GET dir) and the Redis log. With stop-writes-on-bgsave-error on, Redis refuses writes until a save succeeds.',
			});
		}
		if (Date.now() > deadline) {
			throw new StackBackupError('REDIS_TIMEOUT', `BGSAVE on ${redis.where} did not finish in ${Math.round(timeoutMs / 1000)} s`, {
				hint: 'A very large dataset needs a longer timeout; otherwise check the Redis log.',
			});
		}
		await sleep(100);
	}
}

async function waitUntilIdle(redis: RedisCommands, deadline: number): Promise<void> {
	while (parseInfo(await redis.call('INFO', 'persistence')).rdb_bgsave_in_progress !== '0') {
		if (Date.now() > deadline) {
			throw new StackBackupError('REDIS_TIMEOUT', `The running BGSAVE on ${redis.where} did not finish in time`, {
				hint: 'Check the Redis log; retry when the save is done.',
			});
		}
		await sleep(100);
	}
}
