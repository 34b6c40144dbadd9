import { StackBackupError } from '../errors/StackBackupError';

/**
 * Polls n8n's readiness URL until it answers 2xx, each request limited to 5 s and the whole wait
 * to `timeoutMs`: a run never waits forever. N8N_NOT_READY names the URL and what it last saw.
 */
export async function waitForReadiness(url: string, timeoutMs: number, pollMs = 1000): Promise<number> {
	const began = Date.now();
	let last = 'no answer yet';
	while (Date.now() - began < timeoutMs) {
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
			if (response.ok) return Date.now() - began;
			last = `HTTP ${response.status}`;
		} catch (error) {
			last = (error as Error).message;
		}
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
	throw new StackBackupError(
		'N8N_NOT_READY',
		`n8n did not answer ${url} as ready within ${Math.round(timeoutMs / 1000)} s (last: ${last})`,
		{
			hint: "The data is restored; n8n's start failed or is slow. Read the log of n8n's container, and check that its version is at least the one that wrote the backup.",
			details: { url },
		},
	);
}

/** Whether n8n answers its readiness URL now (one request, at most 5 s). */
export async function answersReady(url: string): Promise<boolean> {
	return fetch(url, { signal: AbortSignal.timeout(5000) }).then(
		(response) => response.ok,
		() => false,
	);
}
