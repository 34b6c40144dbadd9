import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { ArtifactRecord } from './manifest';
import type { DecryptionKeys } from '../archive/ageKeys';
import { openAgeDecrypted } from '../archive/ageStreams';
import { createDecompressor } from '../archive/compression';
import { ExpectedLength } from '../archive/ExpectedLength';
import { childPlace, showPlace } from '../storage/openPlace';
import { ExpectedDigest } from '../archive/ExpectedDigest';
import { DAMAGED_ARTIFACT_HINT } from './verifySet';
import type { Place } from '../storage/Storage';

/** Where an artifact lives, and the keys that open it when it is encrypted. */
export interface ArtifactLocation {
	place: Place;
	keys?: DecryptionKeys;
	/** Check the stored bytes' sha256 at the end of the read (a set whose digests were not checked up front). */
	digestsPending?: boolean;
}

/**
 * An artifact's original bytes, decrypted and decompressed as its manifest
 * says (never guessed), and exactly as many as it recorded, streamed from the
 * disk or the bucket. Errors, a wrong key among them, arrive as the returned
 * stream's error, a damaged file's (with digestsPending) at the end of the
 * read; restores read fully before they commit anything to a target.
 */
export function openArtifact(location: ArtifactLocation, artifact: ArtifactRecord): Readable {
	const decompressor = createDecompressor(artifact.compression);
	const out = new ExpectedLength(artifact.rawSize, artifact.file);
	// A reader that stops early (a workflow found mid-dump) destroys `out`; pipeline then lets go of the file.
	pipeline([openStoredArtifact(location, artifact), ...(decompressor ? [decompressor] : []), out], () => undefined);
	return out;
}

/**
 * An artifact's bytes as compressed, decrypted when it is encrypted, for a reader that
 * decompresses them itself (into a file, through the zstd program). The same checks as
 * openArtifact up to there: errors arrive as the stream's error.
 */
export function openStoredArtifact(location: ArtifactLocation, artifact: ArtifactRecord): Readable {
	const file = childPlace(location.place, artifact.file);
	const open = () => {
		const stored = file.storage.read(file.key);
		if (!location.digestsPending) return stored;
		const where = `${artifact.file} in ${showPlace(location.place)}`;
		const checked = new ExpectedDigest(artifact, where, DAMAGED_ARTIFACT_HINT);
		pipeline(stored, checked, () => undefined);
		return checked;
	};
	if (!artifact.encryption) return open();
	const out = new PassThrough({ highWaterMark: 1024 * 1024 });
	openAgeDecrypted(open, location.keys, artifact.file).then(
		(plain) => (out.destroyed ? plain.destroy() : pipeline(plain, out, () => undefined)),
		(error: Error) => out.destroy(error),
	);
	return out;
}
