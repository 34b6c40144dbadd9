import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../support/runCli';
import { recordDataLost } from './ledger';

const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/;

/** Run folders of a set on disk, split by whether a manifest was written. */
export function runFolders(root: string, set: string): { complete: string[]; incomplete: string[] } {
	const dir = join(root, set);
	const runs = existsSync(dir)
		? readdirSync(dir)
				.filter((n) => RUN_FOLDER.test(n))
				.map((n) => join(dir, n))
		: [];
	return {
		complete: runs.filter((r) => existsSync(join(r, 'manifest.json'))).sort(),
		incomplete: runs.filter((r) => !existsSync(join(r, 'manifest.json'))).sort(),
	};
}

/**
 * What must hold after any fault: `list` shows complete sets only, retention
 * counts complete sets only (crashed runs are reported apart), and a crashed
 * run is refused by verify and restore without writing anything.
 */
export async function expectOnlyCompleteSetsUsed(root: string, set: string, scratch: string): Promise<void> {
	const onDisk = runFolders(root, set);
	const listed = await runCli(['list', '--root', root, '--set', set, '--json']);
	expect(listed.code).toBe(0);
	expect((listed.json[0].runs as Array<{ path: string }>).map((r) => r.path).sort()).toEqual(onDisk.complete);

	const plan = await runCli(['prune', '--root', root, '--set', set, '--keep-last', '1', '--dry-run', '--json']);
	expect(plan.code).toBe(0);
	expect((plan.json.sets as Array<{ path: string }>).map((s) => s.path).sort()).toEqual(onDisk.complete);
	expect((plan.json.incomplete as Array<{ path: string }>).map((s) => s.path).sort()).toEqual(onDisk.incomplete);

	for (const crashed of onDisk.incomplete.slice(-1)) {
		const verify = await runCli(['verify', crashed]);
		expect(verify.code).toBe(1);
		expect(verify.json.error.code).toBe('SET_NOT_FOUND');
		const target = join(scratch, `restore-of-crashed-${Date.now()}`);
		const restore = await runCli(['restore', crashed, '--dir', target]);
		expect(restore.code).not.toBe(0);
		expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
	}
}

/** Verifies every complete set (checksums); each one that no longer verifies is data lost. */
export async function expectEverySetVerifies(root: string, set: string): Promise<void> {
	const failed: string[] = [];
	for (const run of runFolders(root, set).complete) {
		const verify = await runCli(['verify', run]);
		if (verify.code !== 0) failed.push(`${run}: ${verify.stderr.trim()}`);
	}
	recordDataLost(`complete sets of ${set} that no longer verify`, failed.length);
	expect(failed).toEqual([]);
}

/** Waits until a run of `set` has written at least `bytes` into its (temp) artifact: the stream is flowing. */
export async function waitForBytesWritten(root: string, set: string, bytes: number, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		for (const run of runFolders(root, set).incomplete) {
			const written = readdirSync(run).reduce((n, f) => n + (statSync(join(run, f), { throwIfNoEntry: false })?.size ?? 0), 0);
			if (written >= bytes) return;
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`no run of ${set} wrote ${bytes} bytes within ${timeoutMs} ms`);
}

/** The set folder holds exactly the complete runs it held before: no new run folder, no lock, no temp file. */
export function expectNothingLeftBehind(root: string, set: string, completeBefore: string[]): void {
	const dir = join(root, set);
	const entries = existsSync(dir)
		? readdirSync(dir)
				.map((n) => join(dir, n))
				.sort()
		: [];
	expect(entries).toEqual([...completeBefore].sort());
}
