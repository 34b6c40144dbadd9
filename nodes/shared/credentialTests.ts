import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import {
	checkAgeKeys,
	checkDockerEngine,
	checkPostgresConnection,
	checkRedisConnection,
	checkS3Connection,
	checkSigningKeys,
} from '../../core';
import { dockerConnectionFrom, pgConnectionFrom, redisConnectionFrom, s3SettingsFrom } from './credentialConnections';
import { encryptionFromCredential, keysFromCredential } from './encryptionFields';
import { signingFromCredential } from './signingFields';

async function asTestResult(check: () => Promise<string>): Promise<INodeCredentialTestResult> {
	try {
		return { status: 'OK', message: await check() };
	} catch (error) {
		const e = error as { message?: string; hint?: string };
		return { status: 'Error', message: [e.message, e.hint].filter(Boolean).join(' ') };
	}
}

export async function stackBackupPostgresConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return asTestResult(() => checkPostgresConnection(pgConnectionFrom(credential.data ?? {})));
}

export async function stackBackupRedisConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return asTestResult(() => checkRedisConnection(redisConnectionFrom(credential.data ?? {})));
}

export async function stackBackupDockerConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return asTestResult(() => checkDockerEngine(dockerConnectionFrom(credential.data)));
}

export async function stackBackupEncryptionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	return asTestResult(() => checkAgeKeys(encryptionFromCredential(data), keysFromCredential(data)));
}

export async function stackBackupS3ConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return asTestResult(() => checkS3Connection(s3SettingsFrom(credential.data ?? {})));
}

export async function stackBackupSigningKeyTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	// The public key as typed (not derived), so a mismatched pair is caught.
	return asTestResult(() => checkSigningKeys(signingFromCredential(data), { publicKeys: [String(data.publicKey ?? '')] }));
}
