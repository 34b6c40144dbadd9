import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export function processIsAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

// The start time (clock ticks since boot, field 22 of /proc/PID/stat) tells a
// process from a later one that reuses its pid. Where /proc is missing, the pid alone.
function startTimeOf(pid: number): string {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
	} catch {
		return '';
	}
}

/** `host:pid:start` of this process: what a run leaves on things it must clean up after. */
export function currentOwner(): string {
	return `${hostname()}:${process.pid}:${startTimeOf(process.pid)}`;
}

/**
 * True only when the owner is provably gone: it ran on this host and its
 * process no longer exists (or its pid now belongs to a later process).
 * An owner on another host, or one that cannot be judged, is never gone.
 */
export function ownerIsGone(owner: string): boolean {
	const [host, pidText, start = ''] = owner.split(':');
	const pid = Number(pidText);
	if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
	if (!processIsAlive(pid)) return true;
	const now = startTimeOf(pid);
	return Boolean(start && now && now !== start);
}
