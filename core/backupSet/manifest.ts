import { childPlace, openPlace, showPlace, type Location } from '../storage/openPlace';
import type { EncryptionRecord } from '../archive/ageKeys';
import type { Compression } from '../archive/compression';
import { COMPRESSIONS } from '../archive/compression';
import { StackBackupError } from '../errors/StackBackupError';
import { version as toolVersion } from '../../package.json';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'n8n-stack-backup/manifest';
/** The newest format this code reads. Version 2 adds encrypted artifacts. */
export const MANIFEST_VERSION = 2;
/**
 * A set is written with the oldest version that describes it, so a plain set
 * stays readable by older tools, and an encrypted one is refused by them
 * with "update" instead of being read as if it were not encrypted.
 */
export function manifestVersionFor(artifacts: readonly ArtifactRecord[]): number {
	return artifacts.some((a) => a.encryption) ? 2 : 1;
}
export const TOOL_NAME = 'n8n-stack-backup';
/**
 * n8n's workflows as export JSON, kept beside a dump of n8n's database: a copy of what the dump
 * holds, for reading without it. A set is of its dump's kind; this one restores nothing of its own.
 */
export const WORKFLOWS_ARTIFACT_KIND = 'workflows';

/** The kinds of a set's artifacts that restore into a target (a companion such as workflows.json does not). */
export function restoredKinds(manifest: Pick<Manifest, 'artifacts'>): string[] {
	return [...new Set(manifest.artifacts.map((a) => a.kind))].filter((k) => k !== WORKFLOWS_ARTIFACT_KIND);
}
export const TOOL_VERSION: string = toolVersion;

export interface ArtifactRecord {
	/** File name inside the run folder; never a path. */
	file: string;
	/** What produced it: "postgres", later "redis", "volume", "files". */
	kind: string;
	/** How to read it once decompressed, e.g. "plain" or "custom" for Postgres. */
	format: string;
	compression: Compression;
	/** Bytes stored (on disk or in the bucket). */
	size: number;
	/** Bytes before compression: what the shrink guard compares. */
	rawSize: number;
	/** Of the file on disk (encrypted, when it is). */
	sha256: string;
	/** Present when the file is an age file: after compression, the bytes were encrypted. */
	encryption?: EncryptionRecord;
	/** In a bucket: the multipart upload's part size (S3 allows 10,000 parts per object). */
	partSize?: number;
}

/** An Ed25519 signature over the manifest without this field (see setSigning). */
export interface ManifestSignature {
	algorithm: 'ed25519';
	/** Which key signed: the first 16 hex digits of the sha256 of its public key. */
	keyId: string;
	value: string;
}

export interface Manifest {
	format: typeof MANIFEST_FORMAT;
	formatVersion: number;
	/** What wrote the set; `n8n` is the version of the n8n it ran in (absent from the CLI). */
	tool: { name: string; version: string; node: string; n8n?: string };
	set: string;
	runId: string | null;
	host: string;
	/** The process that wrote the set, on `host` (in queue mode: which worker). */
	pid?: number;
	/** The lock token this run held when it sealed: a run that lost its lock never seals. */
	lockToken?: string;
	startedAt: string;
	finishedAt: string;
	artifacts: ArtifactRecord[];
	/** Where each artifact came from and the versions involved, keyed by artifact kind. */
	sources: Record<string, unknown>;
	/** What is inside, keyed by artifact kind (tables, row counts, n8n workflows...). */
	inventory: Record<string, unknown>;
	warnings: string[];
	/** Last, so what it covers reads first. */
	signature?: ManifestSignature;
}

function invalid(path: string, problem: string): StackBackupError {
	return new StackBackupError('MANIFEST_INVALID', `${path}: ${problem}`, {
		hint: 'This set is damaged or was not written by n8n-stack-backup; use another set.',
		details: { path },
	});
}

const PLAIN_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks what every reader relies on: the format, a version this code
 * understands, and artifact names that stay inside the run folder.
 */
export function validateManifest(value: unknown, path: string): Manifest {
	if (!value || typeof value !== 'object') throw invalid(path, 'not a JSON object');
	const m = value as Partial<Manifest>;
	if (m.format !== MANIFEST_FORMAT) throw invalid(path, 'not an n8n-stack-backup manifest');
	if (typeof m.formatVersion !== 'number' || m.formatVersion < 1) throw invalid(path, 'missing format version');
	if (m.formatVersion > MANIFEST_VERSION) {
		throw new StackBackupError(
			'MANIFEST_INVALID',
			`${path} has format version ${m.formatVersion}; this ${TOOL_NAME} ${TOOL_VERSION} reads up to ${MANIFEST_VERSION}`,
			{ hint: 'Update n8n-nodes-stack-backup (or the CLI) to read this set.', details: { path } },
		);
	}
	if (typeof m.set !== 'string' || !Array.isArray(m.artifacts)) throw invalid(path, 'missing set or artifacts');
	for (const a of m.artifacts) {
		if (!a || typeof a.file !== 'string' || !PLAIN_FILE_NAME.test(a.file)) {
			throw invalid(path, `artifact name ${JSON.stringify(a?.file)} is not a plain file name`);
		}
		if (typeof a.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(a.sha256)) throw invalid(path, `artifact ${a.file} has no sha256`);
		if (typeof a.size !== 'number' || !COMPRESSIONS.includes(a.compression)) {
			throw invalid(path, `artifact ${a.file} has no size or an unknown compression`);
		}
		if (a.encryption !== undefined && (a.encryption?.format !== 'age' || !Array.isArray(a.encryption.recipients))) {
			throw invalid(path, `artifact ${a.file} has an unknown encryption`);
		}
	}
	return m as Manifest;
}

/** A run folder's manifest, checked; MANIFEST_INVALID when it is missing, truncated or not ours. */
export async function readManifest(runFolder: Location): Promise<Manifest> {
	const place = childPlace(openPlace(runFolder, 'setFolder'), MANIFEST_FILE);
	const path = showPlace(place);
	const text = await place.storage.readText(place.key);
	if (text === null) throw invalid(path, 'missing: the set is incomplete');
	return parseManifestText(text, path);
}

/** A manifest's text, parsed and checked. */
export function parseManifestText(text: string, path: string): Manifest {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw invalid(path, 'not valid JSON (truncated?)');
	}
	return validateManifest(parsed, path);
}
