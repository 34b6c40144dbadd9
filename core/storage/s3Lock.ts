import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { S3Client } from '@aws-sdk/client-s3';
import { StackBackupError } from '../errors/StackBackupError';
import { processIsAlive } from '../process/processOwner';
import type { S3Sdk } from './s3Client';
import { isObjectMissing as isMissing, mapS3Error } from './s3Errors';
import { lockedError, lostLockError } from './setLock';
import type { HeldLock, LeaseInfo, LockOptions } from './Storage';

const DEFAULT_LEASE_MS = 5 * 60 * 1000;
const DEFAULT_HEARTBEAT_MS = 30 * 1000;

export interface BucketAccess {
	sdk: S3Sdk;
	client: S3Client;
	bucket: string;
	show(key: string): string;
}

interface ReadLease {
	info: Partial<LeaseInfo>;
	renewedAt: Date;
}

function isPreconditionFailed(error: unknown): boolean {
	const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
	return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

// The lease also rides in the object's metadata, so a HEAD reads it: a GET's body arrived some
// 40 ms after its headers from Ceph's gateway (measured), and the lock is read three times a run.
const LEASE_METADATA = 'stack-backup-lease';

function leaseObject(bucket: BucketAccess, key: string, body: string) {
	return {
		Bucket: bucket.bucket,
		Key: key,
		Body: body,
		ContentType: 'application/json',
		Metadata: { [LEASE_METADATA]: Buffer.from(body).toString('base64url') },
	};
}

async function putIfAbsent(bucket: BucketAccess, key: string, body: string): Promise<boolean> {
	try {
		await bucket.client.send(new bucket.sdk.PutObjectCommand({ ...leaseObject(bucket, key, body), IfNoneMatch: '*' }));
		return true;
	} catch (error) {
		if (isPreconditionFailed(error)) return false;
		throw mapS3Error(error, bucket.show(key), 'taking the lock');
	}
}

function parseLease(text: string): Partial<LeaseInfo> {
	try {
		return JSON.parse(text) as Partial<LeaseInfo>;
	} catch {
		return {}; // judged by its age alone
	}
}

async function readLease(bucket: BucketAccess, key: string): Promise<ReadLease | null> {
	try {
		const head = await bucket.client.send(new bucket.sdk.HeadObjectCommand({ Bucket: bucket.bucket, Key: key }));
		const inMetadata = head.Metadata?.[LEASE_METADATA];
		if (inMetadata)
			return { info: parseLease(Buffer.from(inMetadata, 'base64url').toString()), renewedAt: head.LastModified ?? new Date(0) };
		// A lock without our metadata (an older version's, or not ours): its body tells.
		const answer = await bucket.client.send(new bucket.sdk.GetObjectCommand({ Bucket: bucket.bucket, Key: key }));
		return { info: parseLease((await answer.Body?.transformToString()) ?? ''), renewedAt: answer.LastModified ?? new Date(0) };
	} catch (error) {
		if (isMissing(error)) return null;
		throw mapS3Error(error, bucket.show(key), 'reading the lock');
	}
}

// Servers that ignore If-None-Match would let two runs both "create" the lock. Probe once per
// bucket: a second conditional write of the same key must be refused.
const probed = new WeakMap<S3Client, Promise<boolean>>();
async function serverHonoursCondition(bucket: BucketAccess, folder: string): Promise<boolean> {
	const probe = `${folder}/.lock-probe-${randomBytes(6).toString('hex')}`;
	try {
		await putIfAbsent(bucket, probe, 'probe');
		return !(await putIfAbsent(bucket, probe, 'probe'));
	} finally {
		await bucket.client.send(new bucket.sdk.DeleteObjectCommand({ Bucket: bucket.bucket, Key: probe })).catch(() => undefined);
	}
}

/**
 * The lock of a set in a bucket: an object created only if absent
 * (`If-None-Match: *`), holding who runs and renewed by a heartbeat. A lease
 * not renewed for `staleAfterMs` (its holder died or froze) may be taken over,
 * and a holder that finds another token in the lock before sealing gives up.
 */
export async function acquireBucketLock(bucket: BucketAccess, folder: string, options: LockOptions): Promise<HeldLock> {
	const key = `${folder}/.lock`;
	const shown = bucket.show(key);
	if (!probed.has(bucket.client)) {
		const probe = serverHonoursCondition(bucket, folder);
		probed.set(bucket.client, probe);
		// A probe that failed (the server down, a full quota) proves nothing: the next run probes again.
		probe.catch(() => probed.delete(bucket.client));
	}
	// The probe runs beside the run: it only decides whether to warn, and waiting for it first
	// put three round trips before every run. Releasing waits for it, so its object is gone.
	const probe = probed.get(bucket.client)!.then(
		(honoured) => {
			if (!honoured)
				options.log?.(
					`The S3 server ignores conditional writes (If-None-Match), so two runs starting at the same moment could both take the lock of ${shown}. What protects the set instead: each run checks, just before writing its manifest, that the lock still holds its own token, and a run that finds another token gives up without sealing.`,
				);
		},
		() => undefined, // a failed probe proves nothing
	);
	const held = await takeLease(bucket, key, options).catch(async (error: unknown) => {
		await probe;
		throw error;
	});
	return {
		...held,
		async release() {
			await probe;
			await held.release();
		},
	};
}

async function takeLease(bucket: BucketAccess, key: string, options: LockOptions): Promise<HeldLock> {
	const shown = bucket.show(key);
	const info: LeaseInfo = {
		token: randomBytes(8).toString('hex'),
		pid: process.pid,
		hostname: hostname(),
		startedAt: new Date().toISOString(),
		runId: options.runId,
	};
	const body = JSON.stringify(info);
	const leaseMs = options.staleAfterMs ?? DEFAULT_LEASE_MS;
	for (let attempt = 0; attempt < 3; attempt++) {
		if (await putIfAbsent(bucket, key, body)) return heldLease(bucket, key, info, options);
		const existing = await readLease(bucket, key);
		if (!existing) continue;
		// An object we did not write is never deleted, however old: it may be someone's data.
		if (typeof existing.info.token !== 'string') throw foreignLockError(shown);
		const reason = staleReason(existing, leaseMs);
		if (!reason) throw lockedError(shown, existing.info);
		options.log?.(`Taking over the lock of ${shown}: ${reason}`);
		await bucket.client.send(new bucket.sdk.DeleteObjectCommand({ Bucket: bucket.bucket, Key: key })).catch((error: unknown) => {
			throw mapS3Error(error, shown, 'removing a stale lock');
		});
	}
	throw new StackBackupError('BACKUP_LOCKED', `Could not take the lock ${shown}: it keeps changing hands`, {
		hint: 'Another run of this set is starting at the same time. Check for overlapping schedules.',
	});
}

function foreignLockError(shown: string): StackBackupError {
	return new StackBackupError('BACKUP_LOCKED', `${shown} exists and was not written by n8n-stack-backup`, {
		hint: `Backups of this set take their lock at that key. The object there is not one of our locks, so it is left alone: move or delete it yourself once you know what it is, or back up into another prefix.`,
		details: { lockPath: shown, foreign: true },
	});
}

/**
 * Why a lease is over, or null while its holder may still run. A holder on this host is
 * judged by its pid (a killed run frees the set at once); one elsewhere by its renewals.
 */
function staleReason(lease: ReadLease, leaseMs: number): string | null {
	const { info } = lease;
	if (info.hostname === hostname() && typeof info.pid === 'number' && !processIsAlive(info.pid)) return `process ${info.pid} is gone`;
	const age = Date.now() - lease.renewedAt.getTime();
	return age > leaseMs ? `its lease was not renewed for ${Math.round(age / 1000)} s` : null;
}

function heldLease(bucket: BucketAccess, key: string, info: LeaseInfo, options: LockOptions): HeldLock {
	const body = JSON.stringify(info);
	const renew = async () => {
		const current = await readLease(bucket, key);
		if (current?.info.token !== info.token) return;
		await bucket.client.send(new bucket.sdk.PutObjectCommand(leaseObject(bucket, key, body)));
	};
	// Renewed several times per lease, so one slow request never lets a live run's lease lapse.
	const heartbeatMs = options.heartbeatMs ?? Math.min(DEFAULT_HEARTBEAT_MS, (options.staleAfterMs ?? DEFAULT_LEASE_MS) / 5);
	const timer = setInterval(() => void renew().catch(() => undefined), heartbeatMs);
	timer.unref();
	return {
		token: info.token,
		async assertHeld() {
			const current = await readLease(bucket, key);
			if (current?.info.token !== info.token) throw lostLockError(bucket.show(key), current?.info);
		},
		async release() {
			clearInterval(timer);
			const current = await readLease(bucket, key);
			if (current?.info.token === info.token) {
				await bucket.client.send(new bucket.sdk.DeleteObjectCommand({ Bucket: bucket.bucket, Key: key })).catch((error: unknown) => {
					throw mapS3Error(error, bucket.show(key), 'releasing the lock');
				});
			}
		},
	};
}
