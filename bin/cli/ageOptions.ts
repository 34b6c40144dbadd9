import { readFileSync } from 'node:fs';
import { parseIdentityFile, type DecryptionKeys, type EncryptionOptions } from '../../core';
import type { OptionSpec, ParsedValues } from './Command';
import { optionalString, stringList } from './optionValues';
import { UsageError } from './UsageError';

// Keys come from files, never from flag values: argv is readable by every user of the machine.
export const ageEncryptOptionSpec: OptionSpec = {
	'age-recipient': { type: 'string', multiple: true },
	'age-passphrase-file': { type: 'string' },
};

export const ageDecryptOptionSpec: OptionSpec = {
	'age-identity': { type: 'string', multiple: true },
	'age-passphrase-file': { type: 'string' },
};

export const AGE_ENCRYPT_USAGE = `  --age-recipient KEY     encrypt every artifact to this age public key (age1..., repeatable)
  --age-passphrase-file F encrypt with the passphrase in file F (its first line) instead`;

export const AGE_DECRYPT_USAGE = `  --age-identity FILE     age identity file (age-keygen's output) for encrypted sets (repeatable)
  --age-passphrase-file F the passphrase of an encrypted set, in file F (its first line)`;

function readKeyFile(path: string, flag: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`--${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
	}
}

function readPassphrase(values: ParsedValues): string | undefined {
	const path = optionalString(values, 'age-passphrase-file');
	if (!path) return undefined;
	const passphrase = readKeyFile(path, 'age-passphrase-file').split(/\r?\n/)[0];
	if (!passphrase) throw new UsageError(`--age-passphrase-file ${path}: its first line is empty`);
	return passphrase;
}

export function readEncryption(values: ParsedValues): EncryptionOptions | undefined {
	const recipients = stringList(values, 'age-recipient');
	const passphrase = readPassphrase(values);
	return recipients || passphrase ? { recipients, passphrase } : undefined;
}

export function readDecryptionKeys(values: ParsedValues): DecryptionKeys | undefined {
	const identities = (stringList(values, 'age-identity') ?? []).flatMap((path) => parseIdentityFile(readKeyFile(path, 'age-identity')));
	const passphrase = readPassphrase(values);
	return identities.length || passphrase ? { identities, passphrases: passphrase ? [passphrase] : [] } : undefined;
}
