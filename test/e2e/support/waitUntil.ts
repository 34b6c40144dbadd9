/** Polls `check` once a second until it returns a value, or fails naming what it waited for. */
export async function waitUntil<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await check();
		if (value) return value;
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}
