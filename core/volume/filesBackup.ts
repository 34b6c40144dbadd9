import { createReadStream, promises as fs } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import { MeasuringStream } from '../archive/MeasuringStream';
import type { Compression } from '../archive/compression';
import type { BackupResult } from '../backupSet/backupResult';
import { withBackupRun, type BackupRunOptions } from '../backupSet/backupRun';
import { StackBackupError, invalidInput } from '../errors/StackBackupError';
import { encryptionKeyFingerprint } from './n8nDataAwareness';
import { aboutFields } from '../options/optionFields';

export const FILES_ARTIFACT_KIND = 'files';

export interface FilesBackupOptions extends BackupRunOptions {
	files: string[];
	/** Files that may be missing without failing the backup. */
	optional?: string[];
	compression: Compression;
}

export interface FileRecord {
	path: string;
	file: string;
	size: number;
	sha256: string;
}

export interface FilesInventory {
	files: FileRecord[];
	missingOptional: string[];
	/** Fingerprint of an N8N_ENCRYPTION_KEY found in one of the files (an .env), never the key. */
	n8nEncryptionKeyFingerprint: string | null;
}

export type FilesBackupResult = BackupResult<FilesInventory>;

const ENV_KEY = /^\s*(?:export\s+)?N8N_ENCRYPTION_KEY\s*=\s*["']?([^"'\s#]+)/m;

/**
 * Copies config files (.env, docker-compose.yml, nginx config...) into a
 * set, each 0600, each listed in the manifest with its size and sha256.
 */
export async function backupFiles(options: FilesBackupOptions): Promise<FilesBackupResult> {
	const began = Date.now();
	const optional = new Set(options.optional ?? []);
	const all = [...options.files, ...[...optional].filter((p) => !options.files.includes(p))];
	if (all.length === 0)
		throw invalidInput('No files were given', 'List the files to keep, e.g. /opt/n8n/.env and /opt/n8n/docker-compose.yml.');
	const present: string[] = [];
	const missingOptional: string[] = [];
	for (const path of all) {
		if (!isAbsolute(path) || path.includes('\0'))
			throw invalidInput(`"${path}" is not an absolute path`, 'Give each file as an absolute path.');
		const stat = await fs.stat(path).catch(() => null);
		if (stat?.isFile()) present.push(path);
		else if (optional.has(path)) missingOptional.push(path);
		else {
			throw new StackBackupError('SOURCE_NOT_FOUND', stat ? `${path} is not a regular file` : `${path} does not exist`, {
				hint: 'Fix the path, or mark the file optional if it may be absent.',
				details: aboutFields('optionalFiles'),
			});
		}
	}
	return withBackupRun(options, async (run) => {
		const records: FileRecord[] = [];
		let fingerprint: string | null = null;
		const used = new Set<string>();
		for (const [index, path] of present.entries()) {
			let name =
				basename(path)
					.replace(/[^A-Za-z0-9._-]/g, '_')
					.replace(/^[._-]+/, '') || 'file';
			if (used.has(name)) name = `${index + 1}-${name}`;
			used.add(name);
			const hash = new MeasuringStream({ hash: true });
			const artifact = await run.writeArtifact({
				baseName: name,
				kind: FILES_ARTIFACT_KIND,
				format: 'file',
				compression: options.compression,
				source: createReadStream(path),
				transforms: [hash],
			});
			const measured = hash.result();
			records.push({ path, file: artifact.file, size: measured.bytes, sha256: measured.sha256! });
			if (!fingerprint && measured.bytes < 1024 * 1024) {
				const key = ENV_KEY.exec(await fs.readFile(path, 'utf8'))?.[1];
				if (key) fingerprint = encryptionKeyFingerprint(key);
			}
		}
		const inventory: FilesInventory = { files: records, missingOptional, n8nEncryptionKeyFingerprint: fingerprint };
		const warnings = missingOptional.map((p) => `${p} is missing (optional)`);
		const manifest = await run.seal({
			sources: { [FILES_ARTIFACT_KIND]: { paths: all } },
			inventory: { [FILES_ARTIFACT_KIND]: inventory },
			warnings,
		});
		return { set: run.setName, path: run.dir, artifacts: run.artifacts, inventory, warnings, durationMs: Date.now() - began, manifest };
	});
}
