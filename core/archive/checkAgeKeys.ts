import { ageLibrary } from './ageLibrary';
import { StackBackupError } from '../errors/StackBackupError';
import { decrypterFor, normalizeEncryption, type DecryptionKeys, type EncryptionOptions } from './ageKeys';

const PROBE = 'n8n-stack-backup key check';

/**
 * What a credential test can prove without a backup: the recipients parse,
 * and when keys to open sets are given too, they open what is encrypted to
 * those recipients (or with that passphrase). Returns a line for the user.
 */
export async function checkAgeKeys(encryption: EncryptionOptions, keys: DecryptionKeys | undefined): Promise<string> {
	const normalized = normalizeEncryption(encryption);
	if (!normalized) {
		throw new StackBackupError('INVALID_INPUT', 'No age recipient and no passphrase is set', {
			hint: 'Add the public key(s) backups are encrypted to (age1…), or a passphrase.',
		});
	}
	const what = normalized.passphrase ? 'the passphrase' : `${normalized.recipients!.length} recipient(s)`;
	const hasKeys = Boolean(keys?.identities?.length || keys?.passphrases?.some(Boolean));
	if (!hasKeys)
		return `Backups will be encrypted to ${what}. No identity is stored here, so restores need it given elsewhere (keep it off this machine).`;
	const encrypter = new (ageLibrary().Encrypter)();
	if (normalized.passphrase) {
		encrypter.setPassphrase(normalized.passphrase);
		// The probe proves the pairing, not the strength: the least scrypt work age allows keeps the test instant.
		encrypter.setScryptWorkFactor(1);
	}
	for (const recipient of normalized.recipients ?? []) encrypter.addRecipient(recipient);
	const sealed = await encrypter.encrypt(PROBE);
	try {
		const opened = await decrypterFor(keys, 'The key check').decrypt(sealed, 'text');
		if (opened !== PROBE) throw new Error('mismatch');
	} catch (error) {
		if (error instanceof StackBackupError) throw error;
		throw new StackBackupError('DECRYPTION_FAILED', 'The identity does not open what is encrypted to these recipients', {
			hint: 'The identity must be the secret key of one of the recipients (`age-keygen -y key.txt` prints its public key).',
		});
	}
	return `Backups will be encrypted to ${what}, and the identity given opens them.`;
}
