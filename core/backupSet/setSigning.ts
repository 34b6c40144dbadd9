import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields, type OptionField } from '../options/optionFields';
import type { Manifest, ManifestSignature } from './manifest';

/** How a run signs its manifest: an Ed25519 private key, PEM (PKCS#8), from a credential or a file. */
export interface SigningOptions {
	privateKey?: string;
	/** Signing was asked for (a switch turned on): no key is then an error, never an unsigned set. */
	required?: boolean;
}

/**
 * Whom a reader trusts. With public keys, only sets signed by one of them are
 * read. Without any, unsigned sets are read, except a plain SQL dump from a
 * bucket restored into a database, which needs `trustUnsigned`.
 */
export interface TrustOptions {
	/** Ed25519 public keys, PEM (SPKI); a private key is accepted too (its public half is used). */
	publicKeys?: string[];
	trustUnsigned?: boolean;
	/** Checking was asked for: no key is then an error, never a set read unchecked. */
	required?: boolean;
}

export interface SigningKey {
	id: string;
	key: KeyObject;
}

export interface Trust {
	keys: SigningKey[];
	trustUnsigned: boolean;
}

const KEY_HINT =
	'Make a key pair with `n8n-stack-backup keygen` (or `openssl genpkey -algorithm ed25519`): the private key (-----BEGIN PRIVATE KEY-----) signs where backups run, its public key (-----BEGIN PUBLIC KEY-----) checks where restores run.';

const badKey = (message: string, field: OptionField) =>
	new StackBackupError('INVALID_INPUT', message, { hint: KEY_HINT, details: aboutFields(field) });

// Keys pasted into one-line fields or environment variables often carry "\n" as two characters.
const pemText = (text: string) => text.replace(/\\n/g, '\n').trim();

/** The first 16 hex digits of the sha256 of the public key (SPKI DER): named in manifests and errors. */
export function signingKeyId(publicKey: KeyObject): string {
	return createHash('sha256')
		.update(publicKey.export({ type: 'spki', format: 'der' }))
		.digest('hex')
		.slice(0, 16);
}

/** The private key a run signs with, checked before anything is written; null when none is given. */
export function normalizeSigning(options: SigningOptions | undefined): SigningKey | null {
	const text = pemText(options?.privateKey ?? '');
	if (!text && options?.required) throw badKey('Signing is on, but no signing private key was given', 'signingKey');
	if (!text) return null;
	let key: KeyObject;
	try {
		key = createPrivateKey(text);
	} catch {
		throw badKey('The signing key is not a private key in PEM form', 'signingKey');
	}
	if (key.asymmetricKeyType !== 'ed25519') {
		throw badKey(`The signing key is an ${key.asymmetricKeyType} key, not Ed25519`, 'signingKey');
	}
	return { id: signingKeyId(createPublicKey(key)), key };
}

/** The public keys a reader trusts, checked once. */
export function normalizeTrust(options: TrustOptions | undefined): Trust {
	const keys = (options?.publicKeys ?? [])
		.map(pemText)
		.filter(Boolean)
		.map((text) => {
			let key: KeyObject;
			try {
				key = createPublicKey(text);
			} catch {
				throw badKey('The signing public key is not a key in PEM form', 'publicKey');
			}
			if (key.asymmetricKeyType !== 'ed25519') {
				throw badKey(`The signing public key is an ${key.asymmetricKeyType} key, not Ed25519`, 'publicKey');
			}
			return { id: signingKeyId(key), key };
		});
	if (!keys.length && options?.required) throw badKey('Checking signatures is on, but no signing public key was given', 'publicKey');
	return { keys, trustUnsigned: options?.trustUnsigned === true };
}

/**
 * The bytes a signature covers: the manifest without its signature, as
 * compact JSON. Parsing and serialising again gives the same text, so a
 * reader can rebuild it from what it read; the manifest lists every
 * artifact's sha256, so the signature covers the whole set.
 */
function signedBytes(manifest: Manifest): Buffer {
	const unsigned: Partial<Manifest> = { ...manifest };
	delete unsigned.signature;
	return Buffer.from(JSON.stringify(unsigned));
}

export function signManifest(manifest: Manifest, signing: SigningKey): Manifest {
	const signature: ManifestSignature = {
		algorithm: 'ed25519',
		keyId: signing.id,
		value: sign(null, signedBytes(manifest), signing.key).toString('base64'),
	};
	return { ...manifest, signature };
}

function signatureError(path: string, problem: string, hint: string): StackBackupError {
	return new StackBackupError('SET_SIGNATURE_INVALID', `${path}: ${problem}`, { hint, details: { path } });
}

/**
 * Checks a manifest against the trusted keys before anything of the set is
 * read or restored. Returns the id of the key that signed it, or null for a
 * set read without keys. With keys, an unsigned set, a set signed by another
 * key, and a set changed after signing are all refused.
 */
export function checkManifestSignature(manifest: Manifest, path: string, trust: Trust): string | null {
	if (!trust.keys.length) return null;
	const trusted = trust.keys.map((k) => k.id).join(', ');
	const signature = manifest.signature;
	if (!signature) {
		throw signatureError(
			path,
			'the set is not signed, and a signing public key is configured',
			`Only sets signed by key ${trusted} are trusted here. Sign backups with the matching private key, or remove the public key to read unsigned sets.`,
		);
	}
	const key = trust.keys.find((k) => k.id === signature.keyId);
	if (!key) {
		throw signatureError(
			path,
			`the set is signed by key ${String(signature.keyId)}, which is not trusted here`,
			`Trusted keys: ${trusted}. A set signed by another key may have been planted: restore from a set your own backups signed, or add that key's public key if it is yours.`,
		);
	}
	let valid = false;
	try {
		valid =
			signature.algorithm === 'ed25519' &&
			typeof signature.value === 'string' &&
			verify(null, signedBytes(manifest), key.key, Buffer.from(signature.value, 'base64'));
	} catch {
		valid = false;
	}
	if (!valid) {
		throw signatureError(
			path,
			`the signature does not match the manifest (key ${key.id})`,
			'The manifest was changed after it was signed: its checksums cannot be trusted. Nothing was touched; restore from another set.',
		);
	}
	return key.id;
}

/** A new Ed25519 key pair, PEM: the private key signs where backups run, the public key checks where restores run. */
export function newSigningKeyPair(): { privateKey: string; publicKey: string; id: string } {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	return {
		privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
		id: signingKeyId(publicKey),
	};
}

/**
 * What a Signing Key credential's Test button says: the keys parse, and a
 * public key given beside a private key is that key's own half.
 */
export async function checkSigningKeys(signingOptions: SigningOptions, trustOptions: TrustOptions): Promise<string> {
	const signing = normalizeSigning(signingOptions);
	const trust = normalizeTrust(trustOptions);
	if (!signing && !trust.keys.length) {
		throw new StackBackupError('INVALID_INPUT', 'The credential holds no key', {
			hint: `${KEY_HINT} Paste the private key where backups run, the public key where restores run (or both).`,
			details: aboutFields('signingKey'),
		});
	}
	if (signing && trust.keys.length && !trust.keys.some((k) => k.id === signing.id)) {
		throw new StackBackupError('INVALID_INPUT', `The public key (${trust.keys[0].id}) is not the private key's own (${signing.id})`, {
			hint: 'Paste the public key made with this private key, or leave the public key empty: it is derived from the private key.',
			details: aboutFields('publicKey'),
		});
	}
	return `Signing key ${signing?.id ?? trust.keys[0].id}: ${signing ? 'signs new sets' : 'checks sets (no private key here: this n8n cannot sign)'}`;
}
