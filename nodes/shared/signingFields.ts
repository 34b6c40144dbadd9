import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { SigningOptions, TrustOptions } from '../../core';

// Nodes list it (as a literal: the n8n lint rules read it from the source) with
// displayOptions on their `sign` or `checkSignatures` switch.
const CREDENTIAL = 'stackBackupSigningKeyApi';

export const signField: INodeProperties = {
	displayName: 'Sign Sets',
	name: 'sign',
	type: 'boolean',
	default: false,
	description:
		"Whether to sign each set's manifest with the Ed25519 private key of a Stack Backup Signing Key credential. The manifest lists every artifact's sha256, so restores that hold the public key refuse any set that someone else planted or changed.",
};

export const checkSignaturesField: INodeProperties = {
	displayName: 'Check Signatures',
	name: 'checkSignatures',
	type: 'boolean',
	default: false,
	description:
		'Whether to accept only sets signed by the key of a Stack Backup Signing Key credential. Unsigned or wrongly signed sets are refused before anything is touched.',
};

export const trustUnsignedField: INodeProperties = {
	displayName: 'Trust Unsigned Sets',
	name: 'trustUnsigned',
	type: 'boolean',
	default: false,
	description:
		'Whether to restore a dump read from a bucket although no signature proves who wrote it. Anyone who can write to the bucket could have planted it, and its SQL runs as a database superuser. Prefer Check Signatures.',
	displayOptions: { show: { checkSignatures: [false] } },
};

export function signingFromCredential(data: ICredentialDataDecryptedObject): SigningOptions {
	return { privateKey: String(data.privateKey ?? '') };
}

export function trustFromCredential(data: ICredentialDataDecryptedObject): TrustOptions {
	// Without a public key, the private key's own public half checks.
	const key = String(data.publicKey ?? '').trim() || String(data.privateKey ?? '').trim();
	return { publicKeys: key ? [key] : [] };
}

export async function readSigning(ctx: IExecuteFunctions, itemIndex: number): Promise<SigningOptions | undefined> {
	if (!(ctx.getNodeParameter('sign', itemIndex, false) as boolean)) return undefined;
	return { ...signingFromCredential(await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL, itemIndex)), required: true };
}

export async function readTrust(ctx: IExecuteFunctions, itemIndex: number): Promise<TrustOptions> {
	if (!(ctx.getNodeParameter('checkSignatures', itemIndex, false) as boolean)) {
		return { trustUnsigned: ctx.getNodeParameter('trustUnsigned', itemIndex, false) as boolean };
	}
	return { ...trustFromCredential(await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL, itemIndex)), required: true };
}
