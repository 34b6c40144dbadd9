import type { Logger } from '../../core';

/** Progress on stderr, so stdout carries only the final JSON line. */
export function stderrLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
	const stamp = () => new Date().toISOString().slice(11, 19);
	return {
		info: (message) => stream.write(`[${stamp()}] ${message}\n`),
		warn: (message) => stream.write(`[${stamp()}] WARNING: ${message}\n`),
	};
}
