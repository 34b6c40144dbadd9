import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { DecryptionKeys, EncryptionOptions } from '../../core';

// Nodes list it (as a literal: the n8n lint rules read it from the source) with
// displayOptions on their `encrypt` or `decrypt` switch.
const CREDENTIAL = 'stackBackupEncryptionApi';

export const encryptField: INodeProperties = {
	displayName: 'Encrypt (Age)',
	name: 'encrypt',
	type: 'boolean',
	default: false,
	description:
		'Whether to encrypt every artifact with age after compression, to the public keys (or the passphrase) of a Stack Backup Encryption credential. The standard `age` tool can decrypt the files.',
};

export const decryptField: INodeProperties = {
	displayName: 'Decrypt (Age)',
	name: 'decrypt',
	type: 'boolean',
	default: false,
	description: 'Whether the sets are encrypted: opens them with the identity or passphrase of a Stack Backup Encryption credential',
};

export function encryptionFromCredential(data: ICredentialDataDecryptedObject): EncryptionOptions {
	if (data.mode === 'passphrase') return { passphrase: (data.passphrase as string) || undefined };
	return {
		recipients: String(data.recipients ?? '')
			.split(/[\s,]+/)
			.filter(Boolean),
	};
}

export function keysFromCredential(data: ICredentialDataDecryptedObject): DecryptionKeys {
	if (data.mode === 'passphrase') return { passphrases: [(data.passphrase as string) ?? ''].filter(Boolean) };
	return {
		identities: String(data.secretKey ?? '')
			.split(/\s+/)
			.filter((line) => line.startsWith('AGE-SECRET-KEY-')),
	};
}

export async function readEncryption(ctx: IExecuteFunctions, itemIndex: number): Promise<EncryptionOptions | undefined> {
	if (!(ctx.getNodeParameter('encrypt', itemIndex, false) as boolean)) return undefined;
	return encryptionFromCredential(await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL, itemIndex));
}

export async function readDecryptionKeys(ctx: IExecuteFunctions, itemIndex: number): Promise<DecryptionKeys | undefined> {
	if (!(ctx.getNodeParameter('decrypt', itemIndex, false) as boolean)) return undefined;
	return keysFromCredential(await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL, itemIndex));
}
