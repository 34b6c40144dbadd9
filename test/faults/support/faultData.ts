import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, withClient, type PgServer, type ScratchDatabase } from '../../support/scratchDatabase';
import { withRedis } from '../../support/redisFixtures';

/** A deterministic sequence in [0, 1): the kill points of a run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
	let i = 0;
	return () => createHash('sha256').update(`${seed}:${i++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The n8n-like fixture plus about `mib` MiB of hard-to-compress rows, so a dump takes long enough to be cut. */
export async function bulkyDatabase(server: PgServer, mib: number): Promise<ScratchDatabase> {
	const db = await createScratchDatabase(server, { n8nFixture: true });
	const rows = Math.round((mib * 1024 * 1024) / 600);
	await withClient(server, db.name, (c) =>
		c.query(
			`CREATE TABLE bulk AS SELECT i AS id, (SELECT string_agg(md5((i * 31 + j)::text), '') FROM generate_series(1, 17) j) AS payload FROM generate_series(1, ${rows}) i`,
		),
	);
	return db;
}

/** About `mib` MiB of Redis values in database 15 (which the suite owns), random enough not to shrink to nothing. */
export async function bulkyRedis(port: number, mib: number): Promise<() => Promise<void>> {
	const keys = Math.round((mib * 1024 * 1024) / 1024);
	await withRedis(
		port,
		async (r) => {
			await r.flushdb();
			for (let start = 0; start < keys; start += 2000) {
				const pipe = r.pipeline();
				for (let i = start; i < Math.min(keys, start + 2000); i++) pipe.set(`fault:${i}`, randomText(1024));
				await pipe.exec();
			}
		},
		{ db: 15 },
	);
	return () => withRedis(port, (r) => r.flushdb().then(() => undefined), { db: 15 });
}

/** A folder of about `mib` MiB: many small files and a few large ones. */
export function bulkyTree(mib: number): string {
	const dir = mkdtempSync(join(tmpdir(), 'fault-tree-'));
	const small = 200;
	for (let i = 0; i < small; i++) {
		mkdirSync(join(dir, `d${i % 10}`), { recursive: true });
		writeFileSync(join(dir, `d${i % 10}`, `f${i}.json`), randomText(2048));
	}
	const large = Math.max(1, Math.round(mib / 8));
	for (let i = 0; i < large; i++) writeFileSync(join(dir, `large-${i}.bin`), randomText(8 * 1024 * 1024));
	return dir;
}

// Base64 of random bytes: quick to make, and compresses like real data does (to about 3/4), not to nothing.
function randomText(length: number): string {
	return randomBytes(Math.ceil((length * 3) / 4))
		.toString('base64')
		.slice(0, length);
}
