import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupPostgres, restorePostgres, type Logger } from '../../../core';
import { writeSyntheticSet } from '../../support/syntheticSets';
import { uniqueName } from '../../support/scratchDatabase';
import { dumpOptions } from '../../support/backupOptions';
import { createScratchDatabase, withClient, type ScratchDatabase } from '../../support/scratchDatabase';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();

interface SeenProcess {
	cmdline: string;
	environ: string;
}

/** Every pg_dump (or other client program) process on the machine (the container's are visible from here too). */
function pgDumpProcesses(program = 'pg_dump'): SeenProcess[] {
	const seen: SeenProcess[] = [];
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
			if (!new RegExp(`(^|/)${program} `).test(cmdline)) continue;
			seen.push({ cmdline, environ: readFileSync(`/proc/${pid}/environ`, 'utf8') });
		} catch {
			// exited meanwhile
		}
	}
	return seen;
}

/** Runs a backup while a lock holds pg_dump still, and captures the pg_dump processes meanwhile. */
async function captureWhileDumping(db: ScratchDatabase, options: Parameters<typeof backupPostgres>[0], server: typeof env.hostPostgres) {
	return withClient(server, db.name, async (blocker) => {
		await blocker.query('BEGIN');
		await blocker.query('LOCK TABLE workflow_entity IN ACCESS EXCLUSIVE MODE');
		const backup = backupPostgres(options);
		let seen: SeenProcess[] = [];
		for (let i = 0; i < 100 && seen.length === 0; i++) {
			await new Promise((r) => setTimeout(r, 50));
			seen = pgDumpProcesses();
		}
		await blocker.query('COMMIT');
		await backup;
		return seen;
	});
}

describe('security: passwords never reach argv, logs, manifests or errors', () => {
	const tmp = useTempDir();

	it('security: the password is not in the argv of a local pg_dump (it travels in its environment)', async () => {
		const db = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		try {
			const seen = await captureWhileDumping(db, dumpOptions(tmp.path(), db, 'local'), env.hostPostgres);
			expect(seen.length).toBeGreaterThan(0);
			for (const p of seen) {
				expect(p.cmdline).not.toContain(env.hostPostgres.password);
				expect(p.environ).toContain(`PGPASSWORD=${env.hostPostgres.password}`);
			}
		} finally {
			await db.drop();
		}
	});

	it('security: the password is not in the argv of pg_dump run inside the container', async () => {
		const db = await createScratchDatabase(env.containerPostgres, { n8nFixture: true });
		try {
			const seen = await captureWhileDumping(db, dumpOptions(tmp.path(), db, 'docker'), env.containerPostgres);
			expect(seen.length).toBeGreaterThan(0);
			for (const p of seen) expect(p.cmdline).not.toContain(env.containerPostgres.password);
		} finally {
			await db.drop();
		}
	});

	it('security: the password is in no log line, manifest or result of a successful run', async () => {
		const db = await createScratchDatabase(env.hostPostgres, { n8nFixture: true });
		const lines: string[] = [];
		const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m) };
		try {
			const result = await backupPostgres({ ...dumpOptions(tmp.path(), db, 'local'), log });
			const manifestText = readFileSync(join(result.path, 'manifest.json'), 'utf8');
			for (const text of [lines.join('\n'), manifestText, JSON.stringify(result)]) {
				expect(text).not.toContain(env.hostPostgres.password);
			}
			expect(lines.length).toBeGreaterThan(2);
		} finally {
			await db.drop();
		}
	});

	it('security: a failing run does not put the password in its error, hint or stack', async () => {
		const secret = 'Very-Secret-Passw0rd';
		const db = await createScratchDatabase(env.hostPostgres);
		try {
			for (const connection of [
				{ ...db.connection, password: secret },
				{ ...db.connection, password: secret, port: 1 },
				{ ...db.connection, password: secret, database: 'missing_db' },
			]) {
				const error = await backupPostgres({ ...dumpOptions(tmp.path(), db, 'local'), connection }).catch((e) => e);
				expect(error.code).toMatch(/^PG_/);
				const all = [error.message, error.hint, error.stack, JSON.stringify(error)].join('\n');
				expect(all).not.toContain(secret);
			}
		} finally {
			await db.drop();
		}
	});

	it('security: a restore gives psql the password in its environment, never in argv, and never in its errors', async () => {
		const server = env.hostPostgres;
		const set = writeSyntheticSet(tmp.path(), 'slow', new Date('2026-01-01T02:00:00Z'), {
			content: 'SELECT pg_sleep(1.5);\nCREATE TABLE restored (id int);\n',
		});
		const target = uniqueName('secret_restore');
		const connection = { host: server.host, port: server.port, user: server.user, password: server.password, database: target };
		try {
			const restore = restorePostgres({ setPath: set, method: 'local', connection });
			let seen: SeenProcess[] = [];
			for (let i = 0; i < 100 && seen.length === 0; i++) {
				await new Promise((r) => setTimeout(r, 30));
				seen = pgDumpProcesses('psql');
			}
			await restore;
			expect(seen.length).toBeGreaterThan(0);
			for (const p of seen) {
				expect(p.cmdline).not.toContain(server.password);
				expect(p.environ).toContain(`PGPASSWORD=${server.password}`);
			}
			const wrong = 'Wrong-Pa55word-xyz';
			const error = await restorePostgres({
				setPath: set,
				method: 'local',
				connection: { ...connection, database: uniqueName('never'), password: wrong },
			}).catch((e) => e);
			expect(error.code).toBe('PG_AUTH_FAILED');
			expect(JSON.stringify(error.toJSON()) + error.message).not.toContain(wrong);
		} finally {
			await withClient(server, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`));
		}
	});
});
