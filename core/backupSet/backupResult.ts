import type { ArtifactRecord, Manifest } from './manifest';

/** What every backup (Postgres, Redis, volume, files) returns to its front end. */
export interface BackupResult<Summary> {
	set: string;
	path: string;
	artifacts: ArtifactRecord[];
	/** A short summary of the manifest's inventory. */
	inventory: Summary;
	warnings: string[];
	durationMs: number;
	manifest: Manifest;
}

/** What the node's output item and the CLI's JSON line say about a finished backup. */
export function backupReport<S>(result: BackupResult<S>) {
	return {
		set: result.set,
		path: result.path,
		artifacts: result.artifacts.map(({ file, size, sha256, compression, format }) => ({ file, size, sha256, compression, format })),
		inventory: result.inventory,
		warnings: result.warnings,
		durationMs: result.durationMs,
	};
}
