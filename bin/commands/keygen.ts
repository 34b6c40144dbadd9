import { writeFileSync } from 'node:fs';
import { newSigningKeyPair } from '../../core';
import type { Command } from '../cli/Command';
import { requiredString } from '../cli/optionValues';
import { UsageError } from '../cli/UsageError';

const USAGE = `Usage: n8n-stack-backup keygen --signing-key FILE

Makes an Ed25519 key pair for signed sets. The private key goes into FILE (mode
0600; an existing file is never overwritten) and signs every manifest where
backups run (--signing-key, or the Stack Backup Signing Key credential). The
public key goes into FILE.pub and is printed: give it where sets are verified
and restored (--public-key, STACK_BACKUP_PUBLIC_KEY, or the credential's public
key), so a set that someone planted in the bucket is refused.`;

export const keygenCommand: Command = {
	path: ['keygen'],
	summary: 'make an Ed25519 key pair for signing sets',
	usage: USAGE,
	options: { 'signing-key': { type: 'string' } },
	run: async ({ values }) => {
		const path = requiredString(values, 'signing-key');
		const pair = newSigningKeyPair();
		const write = (file: string, text: string, mode: number) => {
			try {
				writeFileSync(file, text, { mode, flag: 'wx' });
			} catch (error) {
				const code = (error as NodeJS.ErrnoException).code;
				throw new UsageError(
					`${file}: ${code === 'EEXIST' ? 'already exists (never overwritten: a lost private key cannot sign again)' : code}`,
				);
			}
		};
		write(path, pair.privateKey, 0o600);
		write(`${path}.pub`, pair.publicKey, 0o644);
		return { keyId: pair.id, privateKeyFile: path, publicKeyFile: `${path}.pub`, publicKey: pair.publicKey };
	},
	render: (result) => {
		const r = result as { keyId: string; privateKeyFile: string; publicKeyFile: string; publicKey: string };
		return `Signing key ${r.keyId}: private key in ${r.privateKeyFile} (keep it where backups run), public key in ${r.publicKeyFile}:\n${r.publicKey}`;
	},
};
