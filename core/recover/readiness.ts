import { StackBackupError } from '../errors/StackBackupError';

/** One request to n8n's readiness URL, at most 5 s: ready or not, and what it saw. */
async function probeReadiness(url: string): Promise<{ ready: boolean; seen: string }> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
		return { ready: response.ok, seen: `HTTP ${response.status}` };
	} catch (error) {
		return { ready: false, seen: (error as Error).message };
	}
}

/**
 * Polls n8n's readiness URL until it answers 2xx, each request limited to 5 s and the whole wait
 * to `timeoutMs`: a run never waits forever. N8N_NOT_READY names the URL and what it last saw.
 */
export async function waitForReadiness(url: string, timeoutMs: number, pollMs = 1000): Promise<number> {
	const began = Date.now();
	let last = 'no answer yet';
	while (Date.now() - began < timeoutMs) {
		const probe = await probeReadiness(url);
		if (probe.ready) return Date.now() - began;
		last = probe.seen;
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
	throw new StackBackupError(
		'N8N_NOT_READY',
		`n8n did not answer ${url} as ready within ${Math.round(timeoutMs / 1000)} s (last: ${last})`,
		{
			hint: "The data is restored; n8n's start failed or is slow. Read n8n's log (its container's, or its service's), and check that its version is at least the one that wrote the backup.",
			details: { url },
		},
	);
}

/** Whether n8n answers its readiness URL now (one request, at most 5 s). */
export async function answersReady(url: string): Promise<boolean> {
	return (await probeReadiness(url)).ready;
}
