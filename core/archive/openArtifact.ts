import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createDecompressor } from './compression';
import type { ArtifactRecord } from '../backupSet/manifest';

/** An artifact's original bytes, decompressed as its manifest says (never guessed). */
export function openArtifact(dir: string, artifact: ArtifactRecord): Readable {
	const file = createReadStream(join(dir, artifact.file), { highWaterMark: 1024 * 1024 });
	const decompressor = createDecompressor(artifact.compression);
	if (!decompressor) return file;
	file.on('error', (error) => decompressor.destroy(error));
	decompressor.on('close', () => file.destroy());
	return file.pipe(decompressor);
}
