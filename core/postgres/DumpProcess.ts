import type { Readable } from 'node:stream';

/** A running pg_dump, wherever it runs. */
export interface DumpProcess {
	stdout: Readable;
	done: Promise<{ exitCode: number; stderr: string }>;
	abort(): void;
}
