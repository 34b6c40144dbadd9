import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type MinorCollector = (options: { type: 'minor'; execution: 'sync' }) => void;

/**
 * Bytes streamed between two young-generation collections, at 0.1 to 0.3 ms each. Every 16 MiB
 * was not enough into a bucket: with 36 MiB of part buffers alive, V8 starts a full collection
 * once outside memory grows by about 10 MiB. Measured (600 MiB dump into the gateway, Node 24):
 * full collections 34 -> 2 and 0.9 s less CPU; peak RSS 179 -> 121 MiB (1 GiB into the bucket)
 * and 147 -> 87 MiB (1 GiB to disk).
 */
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

let collector: MinorCollector | null | undefined;
let sinceCollection = 0;

/**
 * V8's own gc function, taken once from a fresh context and the flag put back, so no
 * other context (and never n8n's own global) gains a `gc`. Null where V8 refuses.
 */
function minorCollector(): MinorCollector | null {
	if (collector !== undefined) return collector;
	try {
		setFlagsFromString('--expose-gc');
		collector = runInNewContext('gc') as MinorCollector;
	} catch {
		collector = null;
	} finally {
		setFlagsFromString('--no-expose-gc');
	}
	return collector;
}

/**
 * Called with every chunk a stage passes on. Each pipe or socket read arrives in a fresh
 * 64 KiB buffer that dies at once, but V8 frees it only in a collection, and a stream
 * allocates so few JS objects that none comes until V8's trigger for outside memory
 * (64 MiB grown) fires, or until a full collection, which costs far more. A dump grew memory
 * by 78 MiB on that alone; a young-generation collection every few MiB frees those buffers. A process
 * that runs many streams at once shares one count, which only makes collections more frequent.
 */
export function noteStreamedBytes(bytes: number): void {
	sinceCollection += bytes;
	if (sinceCollection < COLLECT_EVERY_BYTES) return;
	sinceCollection = 0;
	minorCollector()?.({ type: 'minor', execution: 'sync' });
}
