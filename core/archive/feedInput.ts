import type { Readable, Writable } from 'node:stream';

/**
 * Streams `source` into a process's stdin and ends it. A process that stops
 * reading (psql after an error) breaks the pipe: that is reported by its exit
 * code, so the write error is swallowed here, and the source is let go.
 * Resolves with the source's own error, if it had one (a damaged file);
 * then `stopConsumer` has already been called.
 */
export function feedInput(source: Readable, stdin: Writable, stopConsumer: () => void): Promise<Error | undefined> {
	return new Promise((resolve) => {
		let sourceError: Error | undefined;
		stdin.on('error', () => source.destroy());
		source.on('error', (error) => {
			sourceError = error;
			// Stop the consumer before its input closes: EOF would look like the end of a good script.
			stopConsumer();
			stdin.destroy();
			resolve(error);
		});
		source.on('end', () => resolve(sourceError));
		source.on('close', () => resolve(sourceError));
		source.pipe(stdin);
	});
}
