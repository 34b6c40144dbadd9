import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Crc64 } from '../../../core/redis/crc64';
import { RdbValidator } from '../../../core/redis/RdbValidator';
import { freeLoopbackPort } from '../../../core/verify/freeLoopbackPort';
import { withRedis } from '../../support/redisFixtures';

async function validate(bytes: Buffer, chunkSize = 7): Promise<{ out: Buffer; result: ReturnType<RdbValidator['result']> }> {
	const validator = new RdbValidator();
	const chunks: Buffer[] = [];
	for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
	const out: Buffer[] = [];
	await pipeline(Readable.from(chunks), validator, new Writable({ write: (c, _e, cb) => (out.push(c), cb()) }));
	return { out: Buffer.concat(out), result: validator.result() };
}

describe('RDB validation', () => {
	let rdb: Buffer;

	beforeAll(async () => {
		// A real RDB written by redis-server itself.
		const dir = mkdtempSync(join(tmpdir(), 'rdb-'));
		const port = await freeLoopbackPort();
		const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' });
		try {
			for (let i = 0; i < 100; i++) {
				try {
					await withRedis(port, async (r) => {
						await r.set('a', '1');
						await r.hset('h', { x: 'y' });
						await r.save();
					});
					break;
				} catch {
					await new Promise((r) => setTimeout(r, 50));
				}
			}
			rdb = readFileSync(join(dir, 'dump.rdb'));
		} finally {
			server.kill('SIGKILL');
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('computes CRC-64/Jones like Redis (check value of "123456789" is e9c6d914c4b8d9ca)', () => {
		const crc = new Crc64();
		crc.update(Buffer.from('1234'));
		crc.update(Buffer.from('56789'));
		expect(Buffer.from(crc.digestLE()).reverse().toString('hex')).toBe('e9c6d914c4b8d9ca');
	});

	it('passes a real RDB through unchanged, whatever the chunking, and verifies its checksum', async () => {
		for (const size of [1, 5, 9, 64 * 1024]) {
			const { out, result } = await validate(rdb, size);
			expect(out.equals(rdb)).toBe(true);
			expect(result).toEqual({ rdbVersion: expect.any(Number), checksumVerified: true, bytes: rdb.length });
		}
	});

	it('refuses an RDB with one flipped byte (RDB_INVALID, checksum)', async () => {
		const damaged = Buffer.from(rdb);
		damaged[Math.floor(damaged.length / 2)] ^= 0x01;
		await expect(validate(damaged)).rejects.toMatchObject({ code: 'RDB_INVALID', message: expect.stringMatching(/checksum/) });
	});

	it('refuses a truncated RDB', async () => {
		await expect(validate(rdb.subarray(0, rdb.length - 3))).rejects.toMatchObject({ code: 'RDB_INVALID' });
		await expect(validate(rdb.subarray(0, 4))).rejects.toMatchObject({
			code: 'RDB_INVALID',
			message: expect.stringMatching(/only 4 bytes/),
		});
	});

	it('refuses something that is not an RDB at all', async () => {
		await expect(validate(Buffer.from('-ERR unknown command SYNC\r\n'))).rejects.toMatchObject({
			code: 'RDB_INVALID',
			message: expect.stringMatching(/not REDIS/),
		});
	});

	it('accepts an RDB written with rdbchecksum no (zero trailer), saying it could not verify', async () => {
		const unchecked = Buffer.from(rdb);
		unchecked.fill(0, unchecked.length - 8);
		expect((await validate(unchecked)).result.checksumVerified).toBe(false);
	});
});
