import type { LoadedAside } from '../postgres/postgresRestore';
import { discardLoaded } from '../postgres/postgresRestore';

/**
 * The plan's Postgres dump, loading beside its target from the verify step on. The load is most
 * of a recovery's time, and a database of its own changes nothing that n8n or anyone else sees,
 * so it need not wait for the other sets' checks, the n8n version check or n8n's stop: only the
 * swap waits for its step. A recovery that stops before that step cancels it, and what it made
 * is dropped.
 */
export class EarlyPostgresLoad {
	private readonly abort = new AbortController();
	private readonly loaded: Promise<LoadedAside>;
	private failure: { error: unknown } | undefined;
	private taken = false;

	constructor(
		/** The plan's set it loads. */
		readonly set: string,
		/** The loading database, for the terminal. */
		readonly loading: string,
		start: (signal: AbortSignal) => Promise<LoadedAside>,
	) {
		this.loaded = start(this.abort.signal);
		// Observed at once: a load that fails while other steps run is reported by them, not lost.
		this.loaded.catch((error: unknown) => (this.failure = { error }));
	}

	/** Throws the load's failure if it has already failed: before n8n is stopped, nothing was changed. */
	throwIfFailed(): void {
		if (this.failure) throw this.failure.error;
	}

	/** For the set's restore step: the loaded database, once it has loaded. */
	take(): Promise<LoadedAside> {
		this.taken = true;
		return this.loaded;
	}

	/** Stops a load that no restore step took, and drops what it made; a no-op once taken. */
	async cancel(): Promise<void> {
		if (this.taken) return;
		this.taken = true;
		this.abort.abort(new Error('the recovery stopped before its Postgres restore'));
		// A load that fails or stops drops its own database; one that finished meanwhile is dropped here.
		const loaded = await this.loaded.catch(() => null);
		if (loaded) await discardLoaded(loaded).catch(() => undefined);
	}
}
