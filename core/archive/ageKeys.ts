import { createHash } from 'node:crypto';
import type { Decrypter } from 'age-encryption';
import { ageLibrary } from './ageLibrary';
import { invalidInput, StackBackupError } from '../errors/StackBackupError';
import { aboutFields } from '../options/optionFields';

/** How a run encrypts its artifacts: to age X25519 recipients, or with a passphrase (scrypt). */
export interface EncryptionOptions {
	/** Public keys, `age1…`. */
	recipients?: string[];
	passphrase?: string;
}

/** What may open an encrypted set: age identities (`AGE-SECRET-KEY-1…`) and/or passphrases. */
export interface DecryptionKeys {
	identities?: string[];
	passphrases?: string[];
}

/** What the manifest says of an encrypted artifact: enough to pick the key, nothing that opens it. */
export interface EncryptionRecord {
	format: 'age';
	/** sha256 fingerprints of the recipients' public keys (first 16 hex digits). */
	recipients: string[];
	passphrase: boolean;
}

export const AGE_EXTENSION = '.age';

const AGE_KEY_HINT = 'An age recipient is a public key that starts with "age1" (make one with `age-keygen`; its "Public key:" line).';

export function recipientFingerprint(recipient: string): string {
	return createHash('sha256').update(recipient.trim()).digest('hex').slice(0, 16);
}

/**
 * The encryption a run asked for, checked before anything is written: every
 * recipient parses, and recipients and a passphrase are not mixed (age
 * files are either one or the other). Returns null when nothing is asked.
 */
export function normalizeEncryption(options: EncryptionOptions | undefined): EncryptionOptions | null {
	const recipients = (options?.recipients ?? []).map((r) => r.trim()).filter(Boolean);
	const passphrase = options?.passphrase ?? '';
	if (!recipients.length && !passphrase) return null;
	if (recipients.length && passphrase) {
		throw invalidInput(
			'Both age recipients and a passphrase were given',
			'An age file is encrypted to recipients or to a passphrase, not both: choose one.',
		);
	}
	for (const recipient of recipients) {
		try {
			new (ageLibrary().Encrypter)().addRecipient(recipient);
		} catch {
			throw invalidInput(`"${recipient.slice(0, 12)}…" is not an age recipient`, AGE_KEY_HINT);
		}
	}
	return passphrase ? { passphrase } : { recipients };
}

export function encryptionRecord(options: EncryptionOptions): EncryptionRecord {
	return { format: 'age', recipients: (options.recipients ?? []).map(recipientFingerprint), passphrase: Boolean(options.passphrase) };
}

/** Identities from the text of an age identity file: one `AGE-SECRET-KEY-1…` a line, `#` comments. */
export function parseIdentityFile(text: string): string[] {
	const identities = text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'));
	if (!identities.length || identities.some((line) => !/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line))) {
		throw invalidInput(
			'The age identity file holds no valid identity',
			'Give the file `age-keygen -o key.txt` wrote: lines starting with "AGE-SECRET-KEY-1" (comments with #).',
		);
	}
	return identities;
}

/** A Decrypter for the keys, or a clear error when none was given. */
export function decrypterFor(keys: DecryptionKeys | undefined, what: string): Decrypter {
	const identities = keys?.identities ?? [];
	const passphrases = (keys?.passphrases ?? []).filter(Boolean);
	if (!identities.length && !passphrases.length) {
		throw new StackBackupError('ENCRYPTION_KEY_REQUIRED', `${what} is encrypted (age) and no key was given to open it`, {
			hint: 'Give the age identity (secret key) or the passphrase the set was encrypted with. Nothing was restored.',
			details: aboutFields('decryptionKeys'),
		});
	}
	const decrypter = new (ageLibrary().Decrypter)();
	for (const identity of identities) {
		try {
			decrypter.addIdentity(identity);
		} catch {
			throw invalidInput('An age identity is not valid', 'An identity starts with "AGE-SECRET-KEY-1" (the file age-keygen wrote).');
		}
	}
	for (const passphrase of passphrases) decrypter.addPassphrase(passphrase);
	return decrypter;
}
