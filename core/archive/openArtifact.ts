import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { ArtifactRecord } from '../backupSet/manifest';
import type { DecryptionKeys } from './ageKeys';
import { openAgeDecrypted } from './ageStreams';
import { createDecompressor } from './compression';

/** Where an artifact lives, and the keys that open it when it is encrypted. */
export interface ArtifactLocation {
	dir: string;
	keys?: DecryptionKeys;
}

const CHUNK = 1024 * 1024;

/**
 * An artifact's original bytes, decrypted and decompressed as its manifest
 * says (never guessed). Errors, a wrong key among them, arrive as the
 * returned stream's error; use decryptableOrThrow first to fail before any
 * restore target is touched.
 */
export function openArtifact(location: ArtifactLocation, artifact: ArtifactRecord): Readable {
	const path = join(location.dir, artifact.file);
	const decompressor = createDecompressor(artifact.compression);
	if (!artifact.encryption) {
		const file = createReadStream(path, { highWaterMark: CHUNK });
		if (!decompressor) return file;
		file.on('error', (error) => decompressor.destroy(error));
		decompressor.on('close', () => file.destroy());
		return file.pipe(decompressor);
	}
	const out = new PassThrough({ highWaterMark: CHUNK });
	openAgeDecrypted(() => createReadStream(path, { highWaterMark: CHUNK }), location.keys, artifact.file).then(
		(plain) => {
			// A reader that gave up early (a workflow found mid-dump) lets go of the file too.
			if (out.destroyed) plain.destroy();
			else pipeline([plain, ...(decompressor ? [decompressor] : []), out], () => undefined);
		},
		(error: Error) => out.destroy(error),
	);
	return out;
}
