import { Duplex, PassThrough, Readable } from 'node:stream';
import { StackBackupError } from '../errors/StackBackupError';
import { ageLibrary } from './ageLibrary';
import { decrypterFor, type DecryptionKeys, type EncryptionOptions } from './ageKeys';

const CHUNK = 1024 * 1024;

// ReadableStream.from pulls one chunk per read, so the web side never runs
// ahead of the file: memory stays at a few chunks whatever the size.
function toWeb(source: Readable): ReadableStream<Uint8Array> {
	return ReadableStream.from(source) as ReadableStream<Uint8Array>;
}

/**
 * An age encrypting stage for a stream pipeline (age-encryption's STREAM:
 * 64 KiB chunks, ChaCha20-Poly1305). The output is a standard age file that
 * `age -d` opens. Recipients and passphrases were checked by normalizeEncryption.
 */
export async function createAgeEncryptor(options: EncryptionOptions): Promise<Duplex> {
	const encrypter = new (ageLibrary().Encrypter)();
	if (options.passphrase) encrypter.setPassphrase(options.passphrase);
	for (const recipient of options.recipients ?? []) encrypter.addRecipient(recipient);
	const input = new PassThrough({ highWaterMark: CHUNK });
	const output = Readable.fromWeb((await encrypter.encrypt(toWeb(input))) as import('node:stream/web').ReadableStream<Uint8Array>, {
		highWaterMark: CHUNK,
	});
	return Duplex.from({ writable: input, readable: output });
}

/**
 * The plaintext of an age file. The keys are checked before the file is
 * opened, and the header is unwrapped before this resolves, so a missing or
 * wrong key fails here, before a single byte reaches a restore target.
 */
export async function openAgeDecrypted(open: () => Readable, keys: DecryptionKeys | undefined, file: string): Promise<Readable> {
	const decrypter = decrypterFor(keys, file);
	const source = open();
	let plain: ReadableStream<Uint8Array>;
	try {
		plain = await decrypter.decrypt(toWeb(source));
	} catch (error) {
		source.destroy();
		throw new StackBackupError('DECRYPTION_FAILED', `${file} could not be decrypted: ${(error as Error).message}`, {
			hint: "None of the given age identities or passphrases opens it. Use the key the set was encrypted to (the manifest lists the recipients' fingerprints). Nothing was restored.",
			details: { file },
		});
	}
	return Readable.fromWeb(plain as import('node:stream/web').ReadableStream<Uint8Array>, { highWaterMark: CHUNK });
}
