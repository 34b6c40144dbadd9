import { readFileSync } from 'node:fs';
import type { SigningOptions, TrustOptions } from '../../core';
import type { OptionSpec, ParsedValues } from './Command';
import { optionalString, stringList } from './optionValues';
import { UsageError } from './UsageError';

// Like age keys: the private key comes from a file, never from a flag value (argv is readable
// by every user of the machine). A public key is no secret; STACK_BACKUP_PUBLIC_KEY may hold it.
export const signOptionSpec: OptionSpec = {
	'signing-key': { type: 'string' },
};

export const trustOptionSpec: OptionSpec = {
	'public-key': { type: 'string', multiple: true },
	'trust-unsigned': { type: 'boolean' },
};

export const SIGN_USAGE = `  --signing-key FILE      sign the manifest with this Ed25519 private key (PEM; make one with
                          \`n8n-stack-backup keygen --signing-key FILE\`)`;

export const TRUST_USAGE = `  --public-key FILE       accept only sets signed by this Ed25519 key (PEM, repeatable; or the
                          key's text in STACK_BACKUP_PUBLIC_KEY). Unsigned or wrongly signed
                          sets are refused with SET_SIGNATURE_INVALID before anything is touched
  --trust-unsigned        restore a dump from a bucket that no public key can check (anyone who
                          can write to the bucket could have planted it; its SQL runs as superuser)`;

function readKeyFile(path: string, flag: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`--${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
	}
}

export function readSigning(values: ParsedValues): SigningOptions | undefined {
	const path = optionalString(values, 'signing-key');
	return path ? { privateKey: readKeyFile(path, 'signing-key') } : undefined;
}

export function readTrust(values: ParsedValues, env: NodeJS.ProcessEnv): TrustOptions {
	const fromFiles = (stringList(values, 'public-key') ?? []).map((path) => readKeyFile(path, 'public-key'));
	const fromEnv = env.STACK_BACKUP_PUBLIC_KEY?.trim() ? [env.STACK_BACKUP_PUBLIC_KEY] : [];
	return { publicKeys: [...fromFiles, ...fromEnv], trustUnsigned: values['trust-unsigned'] === true };
}
