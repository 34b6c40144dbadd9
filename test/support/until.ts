import { readdirSync, readlinkSync } from 'node:fs';

/** Polls `check` until it stops throwing; after `timeoutMs`, fails with what was awaited and the last reason. */
export async function until(what: string, check: () => unknown, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await check();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms: ${(error as Error).message}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
}

/**
 * Waits until this process holds `path` open: the moment a streaming reader has reached that
 * file. Read from /proc/self/fd, so it is what the reader did, not a guess at how long it takes.
 */
export async function untilFileIsOpen(path: string, timeoutMs = 60_000): Promise<void> {
	await until(
		`${path} opened by this process`,
		() => {
			const open = readdirSync('/proc/self/fd').some((fd) => {
				try {
					return readlinkSync(`/proc/self/fd/${fd}`) === path;
				} catch {
					return false; // closed between the listing and the look
				}
			});
			if (!open) throw new Error('not open yet');
		},
		timeoutMs,
	);
}
