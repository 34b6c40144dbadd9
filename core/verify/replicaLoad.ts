import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { StackBackupError } from '../errors/StackBackupError';
import { openIoredisCommands } from '../redis/ioredisCommands';
import type { RedisCommands } from '../redis/RedisCommands';
import type { RedisConnection } from '../redis/RedisConnection';
import { keyCounts, parseInfo } from '../redis/redisInfo';
import { waitForLoadedRedis } from '../redis/redisReadiness';
import { aboutFields } from '../options/optionFields';

/** Commands a replica sends before the transfer; each is answered, PSYNC/SYNC with the RDB. */
function parseCommands(buffer: Buffer): { commands: string[][]; rest: Buffer } {
	const commands: string[][] = [];
	let offset = 0;
	const text = buffer.toString('latin1');
	for (;;) {
		if (text[offset] !== '*') break;
		const headerEnd = text.indexOf('\r\n', offset);
		if (headerEnd < 0) break;
		const count = Number(text.slice(offset + 1, headerEnd));
		let cursor = headerEnd + 2;
		const args: string[] = [];
		for (let i = 0; i < count; i++) {
			const lenEnd = text.indexOf('\r\n', cursor);
			if (lenEnd < 0 || text[cursor] !== '$') return { commands, rest: buffer.subarray(offset) };
			const len = Number(text.slice(cursor + 1, lenEnd));
			if (lenEnd + 2 + len + 2 > text.length) return { commands, rest: buffer.subarray(offset) };
			args.push(text.slice(lenEnd + 2, lenEnd + 2 + len));
			cursor = lenEnd + 2 + len + 2;
		}
		commands.push(args);
		offset = cursor;
	}
	return { commands, rest: buffer.subarray(offset) };
}

/**
 * Serves one RDB as a replication master on a free loopback port: a Redis
 * told to REPLICAOF it receives the RDB exactly as from a real master
 * (+FULLRESYNC, then the payload) and loads it with its own code.
 */
function serveRdbAsMaster(rdb: Readable, size: number): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
	const sockets = new Set<Socket>();
	let served = false;
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		let pending: Buffer = Buffer.alloc(0);
		socket.on('data', (chunk: Buffer) => {
			const { commands, rest } = parseCommands(Buffer.concat([pending, chunk]));
			pending = rest;
			for (const [name, first] of commands) {
				const command = name.toUpperCase();
				if (command === 'PING') socket.write('+PONG\r\n');
				else if (command === 'PSYNC' || command === 'SYNC') {
					if (served) {
						socket.destroy();
						return;
					}
					served = true;
					if (command === 'PSYNC') socket.write(`+FULLRESYNC ${randomBytes(20).toString('hex')} 0\r\n`);
					socket.write(`$${size}\r\n`);
					rdb.pipe(socket, { end: false });
				} else if (!(command === 'REPLCONF' && first?.toUpperCase() === 'ACK')) {
					// REPLCONF listening-port/capa and AUTH are acknowledged; a master never answers REPLCONF ACK.
					socket.write('+OK\r\n');
				}
			}
		});
	});
	return new Promise((resolve, reject) => {
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server, sockets }));
	});
}

async function assertEmpty(redis: RedisCommands): Promise<void> {
	const keys = keyCounts(parseInfo(await redis.call('INFO', 'keyspace')));
	const total = Object.values(keys).reduce((a, b) => a + b, 0);
	if (total > 0) {
		throw new StackBackupError('REDIS_RESTORE_FAILED', `${redis.where} holds ${total} keys: a drill only loads into an empty Redis`, {
			hint: 'Give an empty, throwaway Redis (its data is replaced and then flushed), never the live one. Or drill in a scratch container made from the Redis container.',
			details: aboutFields('scratchRedis'),
		});
	}
}

/**
 * Loads an RDB into an empty Redis on this machine through replication,
 * returns the key counts it then holds, and empties it again. The Redis
 * must reach 127.0.0.1 (same host or host network).
 */
export async function loadRdbIntoEmptyRedis(
	connection: RedisConnection,
	rdb: Readable,
	size: number,
	timeoutMs = 120_000,
): Promise<Record<string, number>> {
	const redis = await openIoredisCommands(connection);
	try {
		await assertEmpty(redis);
		const master = await serveRdbAsMaster(rdb, size);
		try {
			await redis.call('REPLICAOF', '127.0.0.1', String(master.port));
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const info = parseInfo(await redis.call('INFO', 'replication'));
				if (info.master_link_status === 'up' && info.master_sync_in_progress === '0') break;
				if (Date.now() > deadline) {
					throw new StackBackupError(
						'REDIS_TIMEOUT',
						`${redis.where} did not load the RDB through replication within ${Math.round(timeoutMs / 1000)} s`,
						{
							hint: 'The scratch Redis must reach 127.0.0.1 (same machine), and accept REPLICAOF.',
						},
					);
				}
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			return await waitForLoadedRedis(redis, timeoutMs);
		} finally {
			await redis.call('REPLICAOF', 'NO', 'ONE').catch(() => undefined);
			for (const socket of master.sockets) socket.destroy();
			master.server.close();
			rdb.destroy();
			await redis.call('FLUSHALL').catch(() => undefined);
		}
	} finally {
		await redis.close();
	}
}
