import type { Readable } from 'node:stream';

/** A stream stage of a write: the source first, then transforms. */
export type WriteStage = NodeJS.ReadableStream | NodeJS.ReadWriteStream;

export interface StoredEntry {
	name: string;
	/** 'other' is a symlink or anything that is neither a plain file nor a folder: never ours. */
	kind: 'file' | 'folder' | 'other';
	size: number;
	modifiedAt: Date;
}

export interface WriteReport {
	/** The multipart upload's part size, when the object went up in parts. */
	partSize?: number;
}

export interface LeaseInfo {
	token: string;
	pid: number;
	hostname: string;
	startedAt: string;
	runId?: string;
}

export interface LockOptions {
	runId?: string;
	/** A lock whose heartbeat is older than this is stale and may be taken over. */
	staleAfterMs?: number;
	heartbeatMs?: number;
	log?: (message: string) => void;
}

export interface HeldLock {
	/** The lock's token: whoever holds the lock now holds this token. */
	readonly token: string;
	/** Fails with BACKUP_LOCKED when another run has taken the lock over since. */
	assertHeld(): Promise<void>;
	release(): Promise<void>;
}

/** One file found by walking a folder: its path under the folder, and the server's ETag in a bucket. */
export interface WalkedFile {
	path: string;
	key: string;
	size: number;
	modifiedAt: Date;
	etag?: string;
}

export interface UnfinishedUpload {
	key: string;
	uploadId: string;
	startedAt: Date;
}

/**
 * A backup root's storage: a folder on this machine, or an S3 bucket. Keys are
 * '/'-separated; on a local storage a key is the absolute path. backupSet,
 * retention, verify and restore speak only to this, so every feature works on
 * both without a branch of its own.
 */
export interface Storage {
	readonly kind: 'local' | 's3';
	/** A key as a person sees it: a path, or s3://bucket/key. Never holds a secret. */
	show(key: string): string;
	/** Streams `stages` into `key` so that the key holds the whole stream or nothing. */
	write(key: string, stages: readonly WriteStage[]): Promise<WriteReport>;
	writeText(key: string, text: string): Promise<void>;
	/** The stored bytes; a failure arrives as the stream's error. */
	read(key: string): Readable;
	/** A small object's text, or null when there is none. */
	readText(key: string): Promise<string | null>;
	stat(key: string): Promise<StoredEntry | null>;
	/** The entries right under a folder key; none when it does not exist. */
	list(folder: string): Promise<StoredEntry[]>;
	/** Every file under a folder, at any depth, in key order, page by page (never the whole list in memory). */
	walk(folder: string): AsyncGenerator<WalkedFile>;
	/** Removes one file; a missing one is not an error. */
	remove(key: string): Promise<void>;
	/** Removes a folder that holds nothing (a bucket has no folders to remove). */
	removeEmptyFolder(folder: string): Promise<void>;
	/** Makes a private folder; false when it was there already (on a bucket: when objects are under it). */
	makeFolder(folder: string): Promise<boolean>;
	/** Fails before anything is written when the storage cannot take about `bytes` more. */
	assertRoom(folder: string, bytes: number): Promise<void>;
	lock(folder: string, options: LockOptions): Promise<HeldLock>;
	/** Multipart uploads under a folder that were started and never completed. */
	unfinishedUploads(folder: string): Promise<UnfinishedUpload[]>;
	abortUpload(upload: UnfinishedUpload): Promise<void>;
}

/** A place in a storage: a backup root, a set folder, or a run folder. */
export interface Place {
	storage: Storage;
	key: string;
}
