import { hostN8nVersion } from '../process/hostN8nVersion';
import { hostname } from 'node:os';
import { normalizeEncryption, type EncryptionOptions } from '../archive/ageKeys';
import { StackBackupError } from '../errors/StackBackupError';
import { optionNumberOr, type NumberRule } from '../options/optionNumber';
import { silentLogger, type Logger } from '../logging/Logger';
import { latestCompleteSet } from './completeSets';
import { mapFsError } from '../storage/fsErrors';
import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import type { HeldLock, Place } from '../storage/Storage';
import {
	MANIFEST_FILE,
	MANIFEST_FORMAT,
	manifestVersionFor,
	TOOL_NAME,
	TOOL_VERSION,
	type ArtifactRecord,
	type Manifest,
} from './manifest';
import { runFolderName } from './runFolderName';
import { storeArtifact, type ArtifactInput } from './storeArtifact';

export type { ArtifactInput } from './storeArtifact';
import { normalizeSigning, signManifest, type SigningKey, type SigningOptions } from './setSigning';
import { validateSetName } from './setName';

export interface BackupRunOptions {
	/** A folder, or a bucket opened with openPlace. */
	root: Location;
	setName: string;
	/** The n8n execution id when run from n8n. */
	runId?: string;
	log?: Logger;
	clock?: () => Date;
	/** Never start with less free space than this many MiB, as typed (default 32). */
	minFreeMb?: number | string;
	lockStaleAfterMs?: number;
	/** Encrypt every artifact with age (to recipients, or with a passphrase), after compression. */
	encryption?: EncryptionOptions;
	/** Sign the manifest with an Ed25519 private key, so readers can prove who made the set. */
	signing?: SigningOptions;
	/** A source that sends no byte for this many seconds, as typed, ends the run (default 300). */
	stallTimeoutSeconds?: number | string;
}

export interface SealInput {
	sources: Record<string, unknown>;
	inventory: Record<string, unknown>;
	warnings: string[];
}

export const DEFAULT_MIN_FREE_MB = 32;
export const DEFAULT_STALL_TIMEOUT_SECONDS = 300;
const STALL_TIMEOUT: NumberRule = { field: 'stallTimeoutSeconds', what: 'The stall timeout in seconds', min: 1 };
const MIN_FREE_MB: NumberRule = { field: 'minFreeMb', what: 'The minimum free space in MB', min: 0 };
// Expect a new set to be about as large as the last one, with room to grow.
const GROWTH_ALLOWANCE = 1.5;

/**
 * One run writing one set: `<root>/<set>/<UTC time>/`, in a folder or a bucket.
 * Artifacts are written whole or not at all (a temp name, or a multipart
 * upload); the manifest is written last, and only then does the set exist for
 * listing, restore and retention. Use it through `withBackupRun`, which
 * removes what the run wrote on failure and always releases the lock.
 */
export class BackupRun {
	readonly artifacts: ArtifactRecord[] = [];
	private sealed = false;

	private constructor(
		readonly place: Place,
		readonly setName: string,
		readonly startedAt: Date,
		readonly previous: Manifest | undefined,
		private readonly options: BackupRunOptions,
		private readonly lock: HeldLock,
		private readonly encryption: EncryptionOptions | null,
		private readonly signing: SigningKey | null,
	) {}

	/** The run folder as a person sees it: a path or s3:// address. */
	get dir(): string {
		return showPlace(this.place);
	}

	get log(): Logger {
		return this.options.log ?? silentLogger;
	}

	static async start(options: BackupRunOptions): Promise<BackupRun> {
		const setName = validateSetName(options.setName);
		// Bad keys are refused here, before a folder or a lock exists.
		const encryption = normalizeEncryption(options.encryption);
		const signing = normalizeSigning(options.signing);
		stallTimeoutMs(options); // refused here, before a folder or a lock exists
		const minFreeBytes = optionNumberOr(options.minFreeMb, MIN_FREE_MB, DEFAULT_MIN_FREE_MB) * 1024 * 1024;
		const root = openPlace(options.root, 'root');
		const set = childPlace(root, setName);
		const setDir = showPlace(set);
		// A bucket has no folders to make and no links to check; its first request, the lock,
		// reports a missing bucket or wrong keys as well as a listing would.
		if (set.storage.kind === 'local') {
			try {
				await set.storage.makeFolder(set.key);
				// A symlinked set folder could lead writes elsewhere.
				if ((await set.storage.stat(set.key))?.kind === 'other') throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
			} catch (error) {
				throw mapFsError(error, setDir, 'creating the set folder');
			}
		}

		const lock = await set.storage.lock(set.key, {
			runId: options.runId,
			staleAfterMs: options.lockStaleAfterMs,
			log: (m) => options.log?.warn(m),
		});
		let run: Place | null = null;
		try {
			const startedAt = (options.clock ?? (() => new Date()))();
			// Side by side: on a bucket each is a round trip.
			const [latest, created] = await Promise.allSettled([latestCompleteSet(root, setName), createRunFolder(set, startedAt)]);
			if (created.status === 'fulfilled') run = created.value;
			if (latest.status === 'rejected') throw latest.reason;
			if (created.status === 'rejected') throw created.reason;
			run = created.value;
			const previous = latest.value?.manifest;
			const previousSize = previous?.artifacts.reduce((sum, a) => sum + a.size, 0) ?? 0;
			await set.storage.assertRoom(set.key, Math.max(minFreeBytes, previousSize * GROWTH_ALLOWANCE));
			options.log?.info(`Writing set ${setName} into ${showPlace(run)}`);
			return new BackupRun(run, setName, startedAt, previous, options, lock, encryption, signing);
		} catch (error) {
			if (run) await removeRunFolder(run).catch(() => undefined);
			await lock.release();
			throw mapFsError(error, setDir, 'preparing the run folder');
		}
	}

	/** Streams `source` through compression (and encryption) into the run folder; hashes in the same pass. */
	async writeArtifact(input: ArtifactInput): Promise<ArtifactRecord> {
		const record = await storeArtifact(this.place, input, {
			encryption: this.encryption,
			stallTimeoutMs: stallTimeoutMs(this.options),
			log: this.log,
		});
		this.artifacts.push(record);
		this.log.info(`${record.file}: ${record.rawSize} bytes read, ${record.size} bytes stored`);
		return record;
	}

	/** Writes the manifest, last: from here on the set is complete. */
	async seal(input: SealInput): Promise<Manifest> {
		const unsigned: Manifest = {
			format: MANIFEST_FORMAT,
			formatVersion: manifestVersionFor(this.artifacts),
			tool: { name: TOOL_NAME, version: TOOL_VERSION, node: process.version, ...n8nVersionField() },
			set: this.setName,
			runId: this.options.runId ?? null,
			host: hostname(),
			pid: process.pid,
			lockToken: this.lock.token,
			startedAt: this.startedAt.toISOString(),
			finishedAt: new Date((this.options.clock ?? (() => new Date()))()).toISOString(),
			artifacts: this.artifacts,
			sources: input.sources,
			inventory: input.inventory,
			warnings: input.warnings,
		};
		const manifest = this.signing ? signManifest(unsigned, this.signing) : unsigned;
		try {
			// A run that lost its lock while it stalled must not seal: another run may own the set now.
			await this.lock.assertHeld();
			const target = childPlace(this.place, MANIFEST_FILE);
			await target.storage.writeText(target.key, `${JSON.stringify(manifest, null, 2)}\n`);
		} catch (error) {
			throw mapFsError(error, this.dir, 'writing the manifest');
		}
		this.sealed = true;
		this.log.info(`Set complete: ${this.dir}`);
		return manifest;
	}

	/** Removes what an unsealed run wrote and releases the lock. Safe to call twice. */
	async finish(): Promise<void> {
		try {
			if (!this.sealed) await removeRunFolder(this.place);
		} finally {
			await this.lock.release();
		}
	}
}

export function stallTimeoutMs(options: { stallTimeoutSeconds?: number | string }): number {
	return optionNumberOr(options.stallTimeoutSeconds, STALL_TIMEOUT, DEFAULT_STALL_TIMEOUT_SECONDS) * 1000;
}

async function createRunFolder(set: Place, startedAt: Date): Promise<Place> {
	let time = startedAt.getTime();
	// Two runs in the same millisecond cannot both hold the lock, but a clock
	// that steps back can repeat a name: move on rather than reuse a folder.
	for (let attempt = 0; attempt < 1000; attempt++, time++) {
		const run = childPlace(set, runFolderName(new Date(time)));
		if (await set.storage.makeFolder(run.key)) return run;
	}
	throw new StackBackupError('ROOT_NOT_WRITABLE', `Could not create a new run folder in ${showPlace(set)}`, {
		hint: 'Check the folder for leftovers with future timestamps and the system clock.',
	});
}

// Everything in a failed run's folder was written by this run under the lock (staging
// folders included): all of it goes. Symlinks are removed, never followed.
async function removeRunFolder(run: Place): Promise<void> {
	for (const entry of await run.storage.list(run.key)) {
		const inside = childPlace(run, entry.name);
		if (entry.kind === 'folder') await removeRunFolder(inside);
		else await run.storage.remove(inside.key);
	}
	await run.storage.removeEmptyFolder(run.key).catch(() => undefined);
}

/**
 * Runs `body` inside a backup run and guarantees the cleanup: a run that
 * throws leaves no folder behind, and the lock is always released. A cleanup
 * error never hides the error of the body.
 */
export async function withBackupRun<T>(options: BackupRunOptions, body: (run: BackupRun) => Promise<T>): Promise<T> {
	const run = await BackupRun.start(options);
	let result: T;
	try {
		result = await body(run);
	} catch (error) {
		await run.finish().catch((cleanupError: Error) => run.log.warn(`Cleanup after the failed run also failed: ${cleanupError.message}`));
		throw error;
	}
	await run.finish();
	return result;
}

// Inside n8n, which n8n made the set: a recovery names it when an older n8n would be started.
function n8nVersionField(): { n8n?: string } {
	const version = hostN8nVersion();
	return version ? { n8n: version } : {};
}
