import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FORMAT } from '../../core/backupSet/manifest';
import { runFolderName } from '../../core/backupSet/runFolderName';

/**
 * A set written the way a backup run leaves it (artifact, then manifest),
 * without running a backup: for tests over many sets (retention, listing).
 */
export interface SyntheticArtifact {
	file: string;
	kind: string;
	format: string;
	content: Buffer | string;
}

export function writeSyntheticSet(
	root: string,
	setName: string,
	time: Date,
	options: {
		complete?: boolean;
		manifestSet?: string;
		content?: string;
		artifact?: SyntheticArtifact;
		inventory?: Record<string, unknown>;
		/** Store the content zstd-compressed, cut to this share of the compressed bytes (1: whole), with the manifest made from what is stored. */
		zstd?: number;
	} = {},
): string {
	const dir = join(root, setName, runFolderName(time));
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const artifact = options.artifact ?? {
		file: 'n8n.sql',
		kind: 'postgres',
		format: 'plain',
		content: options.content ?? `dump of ${time.toISOString()}\n`,
	};
	const plain = artifact.content;
	const compressed = options.zstd === undefined ? null : execFileSync('zstd', ['-q', '-c'], { input: plain });
	const content = compressed ? compressed.subarray(0, Math.floor(compressed.length * options.zstd!)) : plain;
	const file = compressed ? `${artifact.file}.zst` : artifact.file;
	writeFileSync(join(dir, file), content, { mode: 0o600 });
	if (options.complete === false) return dir;
	const manifest = {
		format: MANIFEST_FORMAT,
		formatVersion: 1,
		tool: { name: 'n8n-stack-backup', version: 'test', node: process.version },
		set: options.manifestSet ?? setName,
		runId: null,
		host: 'test',
		startedAt: time.toISOString(),
		finishedAt: time.toISOString(),
		artifacts: [
			{
				file,
				kind: artifact.kind,
				format: artifact.format,
				compression: compressed ? 'zstd' : 'none',
				size: Buffer.byteLength(content),
				rawSize: Buffer.byteLength(plain),
				sha256: createHash('sha256').update(content).digest('hex'),
			},
		],
		sources: {},
		inventory: options.inventory ?? {},
		warnings: [],
	};
	writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest), { mode: 0o600 });
	return dir;
}

/** Nightly sets at 02:00 UTC for `days` days from `first` (YYYY-MM-DD). */
export function writeNightlySets(root: string, setName: string, first: string, days: number): string[] {
	return Array.from({ length: days }, (_, i) => {
		const t = new Date(`${first}T02:00:00Z`);
		t.setUTCDate(t.getUTCDate() + i);
		return writeSyntheticSet(root, setName, t);
	});
}
