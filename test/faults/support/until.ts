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
