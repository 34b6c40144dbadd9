// Builds the benchmark's data reproducibly: an n8n-shaped Postgres database, a Redis
// dataset and a folder tree, each sized by a flag. Built once and reused while the size matches.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from '../node_modules/pg/lib/index.js';

// A small deterministic PRNG (mulberry32): the same seed builds the same bytes on every machine.
export function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * n8n's tables with a large execution_data of JSON text: each row repeats n8n's keys with
 * varying values, so it compresses about as well as real execution data (5-10x).
 */
export async function buildPostgres(server, database, dumpMiB) {
	const admin = new pg.Client({ ...server, database: 'postgres' });
	await admin.connect();
	try {
		const marker = `${database}:${dumpMiB}`;
		const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
		if (exists) {
			const db = new pg.Client({ ...server, database });
			await db.connect();
			const ok = await db.query(`SELECT obj_description('public.execution_data'::regclass) AS m`).then(
				(r) => r.rows[0]?.m === marker,
				() => false,
			);
			await db.end();
			if (ok) return;
			await admin.query(`DROP DATABASE "${database}" WITH (FORCE)`);
		}
		await admin.query(`CREATE DATABASE "${database}"`);
	} finally {
		await admin.end();
	}
	const db = new pg.Client({ ...server, database });
	await db.connect();
	try {
		await db.query(readFileSync(new URL('../test/fixtures/n8n-like-schema.sql', import.meta.url), 'utf8'));
		// About 8 KiB of text per row.
		const rows = Math.round((dumpMiB * 1024 * 1024) / 8300);
		await db.query('TRUNCATE execution_entity CASCADE');
		await db.query(`
			INSERT INTO execution_entity (id, "workflowId", status, "startedAt", "stoppedAt")
			SELECT i, 'gen' || lpad((i % 40 + 1)::text, 13, '0'), 'success', now() - i * interval '1 minute', now()
			FROM generate_series(1, ${rows}) i`);
		await db.query(`
			INSERT INTO execution_data ("executionId", "workflowData", data)
			SELECT i, '{"id":"gen","name":"Generated"}',
			  (SELECT string_agg(format('{"json":{"id":%s,"customer":"%s","amount":%s,"status":"%s","note":"%s"},"pairedItem":{"item":%s}}',
			     i * 100 + j, md5((i * 100 + j)::text), (i * 7 + j) % 9973, (ARRAY['paid','open','late'])[(i + j) % 3 + 1], repeat(substr(md5(j::text), 1, 8), 4), j), ',')
			   FROM generate_series(1, 48) j)
			FROM generate_series(1, ${rows}) i`);
		await db.query(`COMMENT ON TABLE public.execution_data IS '${database}:${dumpMiB}'`);
		await db.query('VACUUM ANALYZE');
	} finally {
		await db.end();
	}
}

/** A Redis dataset of about `mib` MiB (DEBUG POPULATE: keys with values of a fixed size). */
export function buildRedis(port, mib) {
	const cli = (...args) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();
	const keys = Math.round((mib * 1024 * 1024) / 1100);
	if (Number(cli('DBSIZE')) === keys) return;
	cli('FLUSHALL');
	cli('DEBUG', 'POPULATE', String(keys), 'n8n:bench', '1024');
}

/** Many small files (configs, binary data) and a few large ones, about `mib` MiB in all. */
export function buildTree(dir, mib) {
	const marker = join(dir, '.bench-size');
	if (existsSync(marker) && readFileSync(marker, 'utf8') === String(mib)) return;
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const random = prng(42);
	const words = ['workflow', 'execution', 'node', 'credential', 'webhook', 'trigger', 'binary', 'json', 'item', 'schedule'];
	const text = (bytes) => {
		const parts = [];
		let size = 0;
		while (size < bytes) {
			const w = `${words[Math.floor(random() * words.length)]}-${Math.floor(random() * 100000)} `;
			parts.push(w);
			size += w.length;
		}
		return parts.join('').slice(0, bytes);
	};
	let total = 0;
	const budget = mib * 1024 * 1024;
	// 30% in small files, spread over folders.
	for (let i = 0; total < budget * 0.3; i++) {
		const sub = join(dir, 'small', String(i % 50));
		mkdirSync(sub, { recursive: true });
		const size = 1024 + Math.floor(random() * 20 * 1024);
		writeFileSync(join(sub, `file-${i}.json`), text(size));
		total += size;
	}
	// The rest in large files, half text, half barely compressible.
	mkdirSync(join(dir, 'large'), { recursive: true });
	for (let i = 0; total < budget; i++) {
		const size = Math.min(64 * 1024 * 1024, budget - total);
		let buffer;
		if (i % 2 === 0) buffer = Buffer.from(text(size));
		else {
			buffer = Buffer.allocUnsafe(size);
			for (let j = 0; j < size; j++) buffer[j] = (random() * 256) | 0;
		}
		writeFileSync(join(dir, 'large', `blob-${i}.bin`), buffer);
		total += size;
	}
	writeFileSync(marker, String(mib));
	spawnSync('sync');
}
