import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireSetLock, LOCK_FILE } from '../../../core/storage/setLock';
import { useTempDir } from '../../support/tempDir';
import { until } from '../../support/until';

function deadPid(): number {
	// A process that has certainly exited: its pid is free (or reused by something we can detect only by luck).
	return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('set lock', () => {
	const tmp = useTempDir();

	it('refuses a second holder with BACKUP_LOCKED while the first is alive', async () => {
		const first = await acquireSetLock(tmp.path(), { runId: 'one' });
		await expect(acquireSetLock(tmp.path(), { runId: 'two' })).rejects.toMatchObject({
			code: 'BACKUP_LOCKED',
			message: expect.stringMatching(/run one/),
			hint: expect.stringMatching(/\.lock/),
		});
		await first.release();
		expect(existsSync(join(tmp.path(), LOCK_FILE))).toBe(false);
	});

	it('takes over a lock left by a process that is gone (same host)', async () => {
		const { hostname } = await import('node:os');
		writeFileSync(join(tmp.path(), LOCK_FILE), JSON.stringify({ token: 'old', pid: deadPid(), hostname: hostname(), startedAt: 'x' }));
		const warnings: string[] = [];
		const lock = await acquireSetLock(tmp.path(), { log: (m) => warnings.push(m) });
		expect(warnings.join()).toMatch(/stale lock.*is gone/);
		expect(JSON.parse(readFileSync(join(tmp.path(), LOCK_FILE), 'utf8')).pid).toBe(process.pid);
		await lock.release();
	});

	it('judges a lock from another host by its heartbeat: fresh is respected, silent is taken over', async () => {
		const path = join(tmp.path(), LOCK_FILE);
		writeFileSync(path, JSON.stringify({ token: 'other', pid: 1, hostname: 'some-other-host', startedAt: 'x' }));
		await expect(acquireSetLock(tmp.path(), { staleAfterMs: 60_000 })).rejects.toMatchObject({ code: 'BACKUP_LOCKED' });
		const old = new Date(Date.now() - 120_000);
		utimesSync(path, old, old);
		const lock = await acquireSetLock(tmp.path(), { staleAfterMs: 60_000 });
		await lock.release();
	});

	it('keeps its heartbeat going so a long run is not judged stale', async () => {
		const lock = await acquireSetLock(tmp.path(), { heartbeatMs: 20 });
		const path = join(tmp.path(), LOCK_FILE);
		const old = new Date(Date.now() - 600_000);
		utimesSync(path, old, old);
		// The heartbeat brings the 10-minute-old mtime back to now; the test fails if it never does.
		await until(
			'the heartbeat touched the lock',
			() => {
				if (Date.now() - statSync(path).mtimeMs > 5_000) throw new Error(`mtime is ${Date.now() - statSync(path).mtimeMs} ms old`);
			},
			10_000,
		);
		await lock.release();
	});

	it('release never removes a lock that another run has taken since', async () => {
		const lock = await acquireSetLock(tmp.path());
		writeFileSync(join(tmp.path(), LOCK_FILE), JSON.stringify({ token: 'someone-else', pid: process.pid, hostname: 'h' }));
		await lock.release();
		expect(existsSync(join(tmp.path(), LOCK_FILE))).toBe(true);
	});
});
