import type { ArtifactRecord } from '../backupSet/manifest';
import type { VerifiedSet } from '../backupSet/verifySet';
import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields } from '../options/optionFields';

/**
 * A dump is SQL that a superuser runs: `COPY ... TO PROGRAM` in a planted set
 * is code execution on the database server, and a checksum proves nothing
 * when whoever planted the dump also wrote the manifest. Anyone who can write
 * to a bucket can plant a set, so a dump from a bucket is restored only when a
 * trusted key signed it, or when the user says in so many words that they
 * trust unsigned sets. (A custom-format dump carries SQL too, in its table of
 * contents, so both formats count.)
 */
export function assertDumpTrusted(set: VerifiedSet, artifact: ArtifactRecord): void {
	if (set.place.storage.kind !== 's3' || set.signedBy || set.trust.trustUnsigned) return;
	throw new StackBackupError(
		'SET_SIGNATURE_INVALID',
		`${set.dir} is a ${artifact.format} SQL dump read from a bucket, and no signing public key is configured to prove who wrote it`,
		{
			hint: 'Whoever can write to the bucket could have planted this set, and restoring it runs its SQL as a superuser. Give the public key of the key your backups sign with, so the signature is checked; or, if only you can write to this bucket, say that you trust unsigned sets.',
			details: aboutFields('publicKey', 'trustUnsigned'),
		},
	);
}
