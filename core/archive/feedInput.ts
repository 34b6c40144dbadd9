import { finished, type Readable, type Writable } from 'node:stream';

/**
 * Streams `source` into a process's stdin and ends it. A process that stops
 * reading (psql after an error) breaks the pipe: that is reported by its exit
 * code, so the write error is swallowed here, and the source is let go.
 * Resolves with the source's own error, if it had one (a damaged file);
 * then `stopConsumer` has already been called.
 */
export function feedInput(source: Readable, stdin: Writable, stopConsumer: () => void): Promise<Error | undefined> {
	return new Promise((resolve) => {
		stdin.on('error', () => source.destroy());
		// A socket let go of once its process ended (execInContainer.ts) closes without an error.
		stdin.on('close', () => {
			if (!source.readableEnded) source.destroy();
		});
		// finished() also reports a source that failed before it got here (a load stopped as it began).
		finished(source, { writable: false }, (error) => {
			// A source let go of because the process stopped reading is no failure of the source's.
			if (!error || (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return resolve(undefined);
			// Stop the consumer before its input closes: EOF would look like the end of a good script.
			stopConsumer();
			stdin.destroy();
			resolve(error);
		});
		source.pipe(stdin);
	});
}
