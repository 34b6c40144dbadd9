import { connect as netConnect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { StackBackupError } from '../errors/StackBackupError';
import { describeRedis, type RedisConnection } from './RedisConnection';
import { redisError } from './redisErrors';
import { aboutFields } from '../options/optionFields';

function resp(...args: string[]): string {
	return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

function syncRefused(where: string, said: string): StackBackupError {
	return new StackBackupError('REDIS_SYNC_REFUSED', `Redis at ${where} refused replication (SYNC): ${said}`, {
		hint: 'Managed Redis services and ACLs without +sync forbid this. Take the snapshot with BGSAVE instead: in the Redis container (then copied out through Docker), or from the dump file on this machine.',
		details: aboutFields('redisMethod'),
	});
}

/**
 * The RDB payload a replica receives, as a stream: what `redis-cli --rdb`
 * does, without Docker or shared files. Sends AUTH, `REPLCONF rdb-only 1`
 * (Redis 7: no replication stream after the file) and SYNC, skips the
 * newlines Redis sends while it prepares the file, then streams exactly the
 * announced bytes ($<length>, or $EOF:<mark> for diskless sync).
 */
export async function openReplicationSnapshot(connection: RedisConnection, timeoutMs = 300_000): Promise<Readable> {
	const where = describeRedis(connection);
	const socket: Socket = connection.ssl
		? tlsConnect({ host: connection.host, port: connection.port, rejectUnauthorized: !connection.disableTlsVerification })
		: netConnect({ host: connection.host, port: connection.port });
	socket.setTimeout(timeoutMs);

	let buffered: Buffer = Buffer.alloc(0);
	let waiter: (() => void) | undefined;
	let failure: Error | undefined;
	const wake = () => {
		const w = waiter;
		waiter = undefined;
		w?.();
	};
	const onData = (chunk: Buffer) => {
		buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
		wake();
	};
	socket.on('data', onData);
	socket.on('error', (e) => ((failure = redisError(e, where, connection.password)), wake()));
	socket.on(
		'timeout',
		() => (
			(failure = new StackBackupError('REDIS_TIMEOUT', `Redis at ${where} sent no snapshot in time`, { hint: 'Check the Redis log.' })),
			socket.destroy(),
			wake()
		),
	);
	socket.on('close', () => ((failure ??= syncRefused(where, 'the connection was closed')), wake()));

	const readLine = async (): Promise<string> => {
		for (;;) {
			const end = buffered.indexOf('\r\n');
			if (end >= 0) {
				const line = buffered.subarray(0, end).toString('latin1');
				buffered = buffered.subarray(end + 2);
				return line;
			}
			// While Redis prepares the RDB it sends bare "\n" keep-alives.
			while (buffered.length && buffered[0] === 0x0a) buffered = buffered.subarray(1);
			if (failure) throw failure;
			await new Promise<void>((r) => (waiter = r));
		}
	};
	const expectOk = async (what: string, optional = false) => {
		const line = await readLine();
		if (line.startsWith('-')) {
			if (optional) return;
			throw /NOAUTH|WRONGPASS|invalid/i.test(line)
				? redisError(new Error(line.slice(1)), where, connection.password)
				: syncRefused(where, `${what}: ${line.slice(1)}`);
		}
	};

	try {
		await new Promise<void>((resolve, reject) => {
			socket.once(connection.ssl ? 'secureConnect' : 'connect', resolve);
			socket.once('error', reject);
		});
		if (connection.password) {
			socket.write(connection.user ? resp('AUTH', connection.user, connection.password) : resp('AUTH', connection.password));
			await expectOk('AUTH');
		}
		socket.write(resp('REPLCONF', 'rdb-only', '1'));
		await expectOk('REPLCONF', true); // older servers do not know it
		socket.write(resp('SYNC'));
		let header = await readLine();
		while (header === '') header = await readLine();
		if (header.startsWith('-'))
			throw /NOAUTH|WRONGPASS/i.test(header)
				? redisError(new Error(header.slice(1)), where, connection.password)
				: syncRefused(where, header.slice(1));
		if (!header.startsWith('$')) throw syncRefused(where, `unexpected reply ${JSON.stringify(header.slice(0, 40))}`);
		socket.off('data', onData);
		return payloadStream(socket, buffered, header.slice(1));
	} catch (error) {
		socket.destroy();
		throw redisError(error, where, connection.password);
	}
}

/** The announced payload, with back-pressure: the socket pauses while the consumer is behind. */
function payloadStream(socket: Socket, initial: Buffer, announced: string): Readable {
	const eofMark = announced.startsWith('EOF:') ? Buffer.from(announced.slice(4), 'latin1') : undefined;
	let remaining = eofMark ? Infinity : Number(announced);
	let held = Buffer.alloc(0); // diskless: the last bytes might be the end mark
	let done = false;

	const out = new Readable({
		highWaterMark: 1024 * 1024,
		read() {
			socket.resume();
		},
		destroy(error, callback) {
			socket.destroy();
			callback(error);
		},
	});
	const finish = () => {
		done = true;
		out.push(null);
		socket.destroy();
	};
	const take = (chunk: Buffer) => {
		if (done) return;
		if (eofMark) {
			const joined = held.length ? Buffer.concat([held, chunk]) : chunk;
			const at = joined.indexOf(eofMark);
			if (at >= 0 && at + eofMark.length === joined.length) {
				if (at > 0) out.push(joined.subarray(0, at));
				return finish();
			}
			const keep = Math.min(eofMark.length, joined.length);
			held = Buffer.from(joined.subarray(joined.length - keep));
			if (joined.length > keep && !out.push(joined.subarray(0, joined.length - keep))) socket.pause();
			return;
		}
		const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
		remaining -= part.length;
		const more = out.push(part);
		if (remaining === 0) return finish();
		if (!more) socket.pause();
	};
	socket.on('data', take);
	socket.on('close', () => {
		if (!done)
			out.destroy(
				new StackBackupError('RDB_INVALID', 'The Redis connection closed before the whole snapshot arrived', {
					hint: 'Run the backup again; check that Redis was not restarted meanwhile.',
				}),
			);
	});
	if (initial.length) take(initial);
	else if (remaining === 0) finish();
	return out;
}
