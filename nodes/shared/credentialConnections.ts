import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { DockerConnection, PgConnection, RedisConnection, S3Settings } from '../../core';

export function pgConnectionFrom(data: ICredentialDataDecryptedObject): PgConnection {
	return {
		host: (data.host as string) || undefined,
		port: Number(data.port) || 5432,
		database: data.database as string,
		user: (data.user as string) || undefined,
		password: (data.password as string) || undefined,
		ssl: (data.ssl as PgConnection['ssl']) || undefined,
		allowUnauthorizedCerts: Boolean(data.allowUnauthorizedCerts),
	};
}

export function redisConnectionFrom(data: ICredentialDataDecryptedObject): RedisConnection {
	return {
		host: (data.host as string) || '127.0.0.1',
		port: Number(data.port) || 6379,
		user: (data.user as string) || undefined,
		password: (data.password as string) || undefined,
		database: Number(data.database) || 0,
		ssl: Boolean(data.ssl),
		disableTlsVerification: Boolean(data.disableTlsVerification),
	};
}

export function dockerConnectionFrom(data: ICredentialDataDecryptedObject | undefined): DockerConnection {
	if (!data || data.connection !== 'tcp') {
		return { socketPath: (data?.socketPath as string) || '/var/run/docker.sock' };
	}
	return {
		host: data.host as string,
		port: Number(data.port) || 2376,
		ca: (data.ca as string) || undefined,
		cert: (data.cert as string) || undefined,
		key: (data.key as string) || undefined,
	};
}

export function s3SettingsFrom(data: ICredentialDataDecryptedObject): S3Settings {
	return {
		endpoint: (data.endpoint as string) || undefined,
		region: (data.region as string) || undefined,
		accessKeyId: (data.accessKeyId as string) ?? '',
		secretAccessKey: (data.secretAccessKey as string) ?? '',
		forcePathStyle: data.forcePathStyle === undefined ? undefined : Boolean(data.forcePathStyle),
		caCertificate: (data.caCertificate as string) || undefined,
	};
}
