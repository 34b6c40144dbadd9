import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { processIsAlive } from '../process/processOwner';
import { join } from 'node:path';
import { StackBackupError } from '../errors/StackBackupError';
import { writeFileAtomically } from './atomicWrite';
import type { HeldLock, LeaseInfo, LockOptions } from './Storage';

export const LOCK_FILE = '.lock';

type LockInfo = LeaseInfo;
export type SetLockOptions = LockOptions;

export type HeldSetLock = HeldLock;

const DEFAULT_STALE_AFTER_MS = 5 * 60 * 1000;
const DEFAULT_HEARTBEAT_MS = 30 * 1000;

async function readLock(path: string): Promise<{ info: Partial<LockInfo>; mtimeMs: number } | null> {
	try {
		const [text, stat] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
		let info: Partial<LockInfo> = {};
		try {
			info = JSON.parse(text) as Partial<LockInfo>;
		} catch {
			// An unparsable lock is judged by its age alone.
		}
		return { info, mtimeMs: stat.mtimeMs };
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
}

/**
 * Why a lock is stale, or null while its owner may still be running. A pid
 * can only be checked on the host that wrote it; locks from other hosts (a
 * shared backup root in queue mode, or the CLI on the host next to n8n in a
 * container) are judged by their heartbeat.
 */
function staleReason(info: Partial<LockInfo>, mtimeMs: number, staleAfterMs: number): string | null {
	if (info.hostname === hostname() && typeof info.pid === 'number') {
		return processIsAlive(info.pid) ? null : `process ${info.pid} is gone`;
	}
	const age = Date.now() - mtimeMs;
	return age > staleAfterMs ? `no heartbeat for ${Math.round(age / 1000)} s` : null;
}

/**
 * Takes the lock of one set folder, so two runs of the same set never write
 * at once. A lock left by a dead run is taken over; a live one fails fast
 * with BACKUP_LOCKED.
 */
export async function acquireSetLock(setDir: string, options: SetLockOptions = {}): Promise<HeldSetLock> {
	const lockPath = join(setDir, LOCK_FILE);
	const info: LockInfo = {
		token: randomBytes(8).toString('hex'),
		pid: process.pid,
		hostname: hostname(),
		startedAt: new Date().toISOString(),
		runId: options.runId,
	};
	const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;

	for (let attempt = 0; attempt < 3; attempt++) {
		if (await tryCreateLock(setDir, lockPath, info)) return startHeartbeat(lockPath, info, options);

		const existing = await readLock(lockPath);
		if (!existing) continue; // released between our two calls
		const reason = staleReason(existing.info, existing.mtimeMs, staleAfterMs);
		if (!reason) throw lockedError(lockPath, existing.info);
		options.log?.(`Taking over a stale lock on ${setDir} (${reason})`);
		await removeStaleLock(lockPath, existing.info);
	}
	throw new StackBackupError('BACKUP_LOCKED', `Could not take the lock of ${setDir}: it keeps changing hands`, {
		hint: 'Another run of this set is starting at the same time. Check for overlapping schedules.',
	});
}

// The lock content is written under a temp name first and then hard-linked
// into place: link() fails if the lock exists, and the lock is never seen half-written.
async function tryCreateLock(setDir: string, lockPath: string, info: LockInfo): Promise<boolean> {
	const tempName = `.lock.${info.token}.new`;
	const tempPath = join(setDir, tempName);
	await writeFileAtomically(setDir, tempName, JSON.stringify(info));
	try {
		await fs.link(tempPath, lockPath);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	} finally {
		await fs.rm(tempPath, { force: true });
	}
}

// Two runs may judge the same lock stale at once. Renaming it aside is atomic,
// so only one of them gets it; whoever got a lock that had already changed
// owner puts it back.
async function removeStaleLock(lockPath: string, staleInfo: Partial<LockInfo>): Promise<void> {
	const asidePath = `${lockPath}.stale.${randomBytes(4).toString('hex')}`;
	try {
		await fs.rename(lockPath, asidePath);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	const moved = await readLock(asidePath);
	if (moved && moved.info.token !== staleInfo.token) {
		await fs.link(asidePath, lockPath).catch(() => undefined);
	}
	await fs.rm(asidePath, { force: true });
}

function startHeartbeat(lockPath: string, info: LockInfo, options: SetLockOptions): HeldSetLock {
	const timer = setInterval(() => {
		const now = new Date();
		fs.utimes(lockPath, now, now).catch(() => undefined);
	}, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
	timer.unref();
	return {
		token: info.token,
		async assertHeld() {
			const current = await readLock(lockPath);
			if (current?.info.token !== info.token) throw lostLockError(lockPath, current?.info);
		},
		async release() {
			clearInterval(timer);
			const current = await readLock(lockPath);
			if (current?.info.token === info.token) await fs.rm(lockPath, { force: true });
		},
	};
}

/** BACKUP_LOCKED naming who holds the lock, and how to clear one that no run holds. */
export function lockedError(lockShown: string, info: Partial<LockInfo>): StackBackupError {
	const owner = [
		info.runId ? `run ${info.runId}` : undefined,
		info.pid ? `pid ${info.pid}` : undefined,
		info.hostname ? `on ${info.hostname}` : undefined,
		info.startedAt ? `since ${info.startedAt}` : undefined,
	]
		.filter(Boolean)
		.join(' ');
	// Where this run was refused, too: in n8n's queue mode the two runs are on different workers.
	const here = `pid ${process.pid} on ${hostname()}`;
	return new StackBackupError(
		'BACKUP_LOCKED',
		`Another backup of this set is running (${owner || 'unknown owner'}); refused here, ${here}`,
		{
			hint: `Wait for it to finish, or make the schedules not overlap. If no backup is running, delete ${lockShown}.`,
			details: { lockPath: lockShown, owner: info, refused: { pid: process.pid, hostname: hostname() } },
		},
	);
}

/** A run that lost its lock (taken over as stale while it was frozen) must not seal its set. */
export function lostLockError(lockPath: string, holder: Partial<LockInfo> | undefined): StackBackupError {
	return new StackBackupError(
		'BACKUP_LOCKED',
		`This run lost the lock of its set (${lockPath}) to ${holder?.hostname ? `a run on ${holder.hostname}` : 'nobody'}, so it does not seal its set`,
		{
			hint: "The run stalled longer than the lock's lease and another run may have written the set since. Nothing of this run was kept; run again.",
			details: { lockPath, owner: holder ?? null },
		},
	);
}
