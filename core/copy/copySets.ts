import { ExpectedDigest } from '../archive/ExpectedDigest';
import { listCompleteSets, type CompleteSet } from '../backupSet/completeSets';
import { MANIFEST_FILE, parseManifestText } from '../backupSet/manifest';
import { checkManifestSignature, normalizeTrust, type Trust, type TrustOptions } from '../backupSet/setSigning';
import { validateSetName } from '../backupSet/setName';
import { isStackBackupError, StackBackupError, type StackBackupErrorCode } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { optionList } from '../options/optionList';
import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import type { Place } from '../storage/Storage';

export interface CopySetsOptions {
	/** Where the sets are: a folder, or a bucket opened with openPlace. */
	from: Location;
	/** Where they go. */
	to: Location;
	/** The set names to copy, as typed (a list or one text); empty: every set under `from`. */
	setNames?: string | readonly string[];
	log?: Logger;
	/** With public keys, only sets signed by one of them are copied; the others are reported. */
	trust?: TrustOptions;
}

export interface CopiedRun {
	set: string;
	run: string;
	action: 'copied' | 'already there' | 'failed';
	bytes: number;
	durationMs: number;
	error?: { code: string; message: string };
}

export interface CopySetsResult {
	from: string;
	to: string;
	runs: CopiedRun[];
	copied: number;
	skipped: number;
	failed: number;
	bytes: number;
	durationMs: number;
}

/**
 * Copies the complete sets of `from` that `to` lacks, newest first, so the
 * night's sets leave the machine first: per run, artifacts first and the
 * manifest last, every byte checked against the manifest's sha256 while it
 * streams. A run already there with the same manifest is skipped; one there
 * with another manifest is never overwritten. Each set is copied under the
 * target set's lock, so a prune of the target never races it.
 */
export async function copySets(options: CopySetsOptions): Promise<CopySetsResult> {
	const began = Date.now();
	const log = options.log ?? silentLogger;
	const from = openPlace(options.from, 'root');
	const to = openPlace(options.to, 'root');
	if (showPlace(from) === showPlace(to)) {
		throw new StackBackupError('INVALID_INPUT', `The source and the target are the same (${showPlace(from)})`, {
			hint: 'Copy to another folder or bucket.',
			details: { field: 'root' },
		});
	}
	const trust = normalizeTrust(options.trust);
	const names = (optionList(options.setNames ?? '', 'setName') ?? []).map(validateSetName);
	const setNames = names.length ? names : await setNamesUnder(from);
	const runs: CopiedRun[] = [];
	for (const setName of setNames) {
		const sets = (await listCompleteSets(from, setName)).reverse();
		if (sets.length === 0) {
			log.warn(`No complete set "${setName}" under ${showPlace(from)}: nothing to copy`);
			continue;
		}
		const targetSet = childPlace(to, setName);
		await to.storage.makeFolder(targetSet.key);
		const lock = await to.storage.lock(targetSet.key, { log: (m) => log.warn(m) });
		try {
			for (const set of sets) runs.push(await copyRun(set, setName, childPlace(targetSet, runName(set)), trust, log));
		} finally {
			await lock.release();
		}
	}
	const copied = runs.filter((r) => r.action === 'copied');
	const failed = runs.filter((r) => r.action === 'failed');
	log.info(
		`Copied ${copied.length} run(s) to ${showPlace(to)}, ${runs.length - copied.length - failed.length} already there, ${failed.length} failed`,
	);
	return {
		from: showPlace(from),
		to: showPlace(to),
		runs,
		copied: copied.length,
		skipped: runs.length - copied.length - failed.length,
		failed: failed.length,
		bytes: copied.reduce((n, r) => n + r.bytes, 0),
		durationMs: Date.now() - began,
	};
}

function runName(set: CompleteSet): string {
	return set.place.key.split('/').pop()!;
}

async function setNamesUnder(root: Place): Promise<string[]> {
	return (await root.storage.list(root.key))
		.filter((e) => e.kind === 'folder')
		.map((e) => e.name)
		.sort();
}

const SKIPPED_RUN_CODES = new Set<StackBackupErrorCode>(['CHECKSUM_MISMATCH', 'SET_SIGNATURE_INVALID', 'MANIFEST_INVALID']);

async function copyRun(set: CompleteSet, setName: string, target: Place, trust: Trust, log: Logger): Promise<CopiedRun> {
	const began = Date.now();
	const run = runName(set);
	const source = childPlace(set.place, MANIFEST_FILE);
	const manifestText = (await source.storage.readText(source.key)) ?? '';
	const there = await target.storage.readText(childPlace(target, MANIFEST_FILE).key);
	const outcome = (action: CopiedRun['action'], bytes = 0, error?: CopiedRun['error']): CopiedRun => ({
		set: setName,
		run,
		action,
		bytes,
		durationMs: Date.now() - began,
		...(error ? { error } : {}),
	});
	if (there !== null) {
		if (there === manifestText) return outcome('already there');
		log.warn(`${showPlace(target)} holds another manifest: left as it is, never overwritten`);
		return outcome('failed', 0, { code: 'INVALID_INPUT', message: `${showPlace(target)} already holds a different set of that name` });
	}
	try {
		// The manifest copied is the one checked: its text, read once, gives the artifacts and the signature.
		const manifest = parseManifestText(manifestText, showPlace(source));
		checkManifestSignature(manifest, showPlace(source), trust);
		await target.storage.makeFolder(target.key);
		let bytes = 0;
		for (const artifact of manifest.artifacts) {
			const from = childPlace(set.place, artifact.file);
			const to = childPlace(target, artifact.file);
			await to.storage.write(to.key, [from.storage.read(from.key), new ExpectedDigest(artifact, showPlace(from))]);
			bytes += artifact.size;
		}
		// Last: only now is the copy a set.
		await target.storage.writeText(childPlace(target, MANIFEST_FILE).key, manifestText);
		log.info(`Copied ${setName}/${run} (${manifest.artifacts.length} artifact(s), ${bytes} bytes) to ${showPlace(target)}`);
		return outcome('copied', bytes);
	} catch (error) {
		await removeCopy(target, set).catch(() => undefined);
		if (!isStackBackupError(error)) throw error;
		// A damaged or untrusted source run is reported and skipped; a target that fails (full, unreachable) stops the copy.
		if (!SKIPPED_RUN_CODES.has(error.code)) throw error;
		log.warn(`Not copied: ${error.message}`);
		return outcome('failed', 0, { code: error.code, message: error.message });
	}
}

// What a failed copy wrote: the artifacts of this manifest in the target run folder, nothing else.
async function removeCopy(target: Place, set: CompleteSet): Promise<void> {
	for (const artifact of set.manifest.artifacts) await target.storage.remove(childPlace(target, artifact.file).key);
	await target.storage.removeEmptyFolder(target.key).catch(() => undefined);
}

/**
 * Fails (with the first failure's code) when a run could not be copied: an off-site copy that
 * fails in silence is what users of other tools found out too late. The other runs were copied.
 */
export function assertAllCopied(result: CopySetsResult): CopySetsResult {
	const failed = result.runs.filter((r) => r.action === 'failed');
	if (!failed.length) return result;
	const first = failed[0].error!;
	throw new StackBackupError(
		first.code as StackBackupErrorCode,
		`${failed.length} run(s) were not copied to ${result.to}: ${failed.map((f) => `${f.set}/${f.run}`).join(', ')} (${first.message})`,
		{
			hint: 'The other runs were copied. Verify the source sets named here; a run already in the target with another manifest is never overwritten.',
			details: { failed: failed.map((f) => `${f.set}/${f.run}`) },
		},
	);
}
