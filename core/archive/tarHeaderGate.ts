import { Transform } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';

/**
 * Passes a tar stream on unchanged while reading its headers: each chunk is parsed before it
 * goes on, so the first entry that `admit` refuses ends the stream with that refusal, and the
 * chunk that completes its header never leaves. Entry bodies are skipped, not copied: a guard
 * for a stream whose consumer (the Docker Engine) extracts it, at about half of what parsing
 * and writing the archive again costs.
 */
export function tarHeaderGate(admit: (path: string, entry: ReadEntry) => Error | null): Transform {
	let refusal: Error | null = null;
	let parserError: Error | null = null;
	const parser = new Parser({
		// Every entry is ignored here once seen: its body is skipped.
		filter: (path: string, entry) => {
			refusal ??= admit(path, entry as ReadEntry);
			return false;
		},
	});
	parser.on('error', (error: Error) => (parserError ??= error));
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			parser.write(chunk);
			const stop = refusal ?? parserError;
			if (stop) callback(stop);
			else callback(null, chunk);
		},
		flush(callback) {
			parser.end();
			callback(refusal ?? parserError);
		},
	});
}
