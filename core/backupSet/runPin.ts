import { hostname } from 'node:os';
import { StackBackupError } from '../errors/StackBackupError';
import { invalidOption } from '../options/invalidOption';
import { hostN8nVersion } from '../process/hostN8nVersion';
import { childPlace, lastName, parentPlace, showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import { readManifest, TOOL_NAME, TOOL_VERSION } from './manifest';
import { resolveRunFolder } from './verifySet';

/**
 * A pin keeps a run from retention whatever the keep rules say, like
 * restic's --keep-tag. It is a file in the run folder, outside the sealed
 * manifest: pinning never changes what the set holds.
 */
export const PIN_FILE = 'pin.json';
export const PIN_FORMAT = 'n8n-stack-backup/pin';

export interface RunPin {
	format: typeof PIN_FORMAT;
	reason: string;
	pinnedAt: string;
	by: { host: string; tool: string; n8n?: string };
}

export interface PinReport {
	set: string;
	run: string;
	path: string;
	pinned: boolean;
	reason: string | null;
	pinnedAt: string | null;
	/** Whether this call changed anything (an unpin of an unpinned run changes nothing). */
	changed: boolean;
}

/** The run's pin, or null; a damaged pin file still pins (with its reason unknown): keeping is the safe side. */
export async function readPin(run: Place): Promise<RunPin | null> {
	const file = childPlace(run, PIN_FILE);
	const text = await file.storage.readText(file.key);
	if (text === null) return null;
	try {
		const pin = JSON.parse(text) as RunPin;
		if (pin?.format === PIN_FORMAT && typeof pin.reason === 'string') return pin;
	} catch {
		// fall through: unreadable
	}
	return { format: PIN_FORMAT, reason: 'unreadable pin.json (kept to be safe)', pinnedAt: '', by: { host: '', tool: '' } };
}

function checkedReason(reason: string | undefined): string {
	const text = (reason ?? '').trim();
	if (/[\r\n]/.test(text) || text.length > 300)
		throw invalidOption(
			'pinReason',
			'The pin reason is not one line of at most 300 characters',
			'Give a short reason, e.g. "before the 2.42 upgrade".',
		);
	return text || 'no reason given';
}

/** The run a pin is about, and its set's folder, whose lock keeps a pin from racing a prune. */
async function pinnedRun(location: Location): Promise<{ run: Place; setName: string }> {
	const run = await resolveRunFolder(location);
	const manifest = await readManifest(run);
	return { run, setName: manifest.set };
}

async function underSetLock<T>(run: Place, work: () => Promise<T>): Promise<T> {
	const set = parentPlace(run);
	const lock = await set.storage.lock(set.key, {});
	try {
		return await work();
	} finally {
		await lock.release();
	}
}

function reportOf(setName: string, run: Place, pin: RunPin | null, changed: boolean): PinReport {
	return {
		set: setName,
		run: lastName(run),
		path: showPlace(run),
		pinned: pin !== null,
		reason: pin?.reason ?? null,
		pinnedAt: pin?.pinnedAt || null,
		changed,
	};
}

/** Pins a complete run (a set folder means its newest complete run). Pinning again replaces the reason. */
export async function pinRun(location: Location, reason?: string, now = new Date()): Promise<PinReport> {
	const why = checkedReason(reason);
	const { run, setName } = await pinnedRun(location);
	const n8n = hostN8nVersion();
	const pin: RunPin = {
		format: PIN_FORMAT,
		reason: why,
		pinnedAt: now.toISOString(),
		by: { host: hostname(), tool: `${TOOL_NAME} ${TOOL_VERSION}`, ...(n8n ? { n8n } : {}) },
	};
	await underSetLock(run, async () => {
		const file = childPlace(run, PIN_FILE);
		await file.storage.writeText(file.key, `${JSON.stringify(pin, null, 2)}\n`);
	});
	return reportOf(setName, run, pin, true);
}

/** Removes a run's pin; retention then judges it by the keep rules again. */
export async function unpinRun(location: Location): Promise<PinReport> {
	const { run, setName } = await pinnedRun(location);
	const file = childPlace(run, PIN_FILE);
	const kind = (await file.storage.stat(file.key))?.kind;
	if (kind === 'other' || kind === 'folder')
		throw new StackBackupError('PRUNE_REFUSED', `${showPlace(file)} is not a regular file; it is left alone`, {
			hint: 'Remove it by hand if it is not yours.',
		});
	if (!kind) return reportOf(setName, run, null, false);
	await underSetLock(run, () => file.storage.remove(file.key));
	return reportOf(setName, run, null, true);
}
