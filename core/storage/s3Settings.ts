import { StackBackupError } from '../errors/StackBackupError';
import { invalidOption } from '../options/invalidOption';

/** How to reach an S3 server: the Stack Backup S3 API credential, or the CLI's AWS_* variables. */
export interface S3Settings {
	/** Empty for AWS itself; the server's URL for any other S3 (MinIO, Ceph, R2, B2...). */
	endpoint?: string;
	region?: string;
	accessKeyId: string;
	secretAccessKey: string;
	/** bucket in the path (https://host/bucket/key) rather than in the host name. */
	forcePathStyle?: boolean;
	/** PEM of the CA that signed the server's certificate, for a private CA or a self-signed server. */
	caCertificate?: string;
	/** Limits on each request: no wait on a server lasts forever. */
	connectTimeoutMs?: number;
	requestTimeoutMs?: number;
}

export interface ValidS3Settings {
	endpoint?: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	forcePathStyle: boolean;
	caCertificate?: string;
	connectTimeoutMs: number;
	requestTimeoutMs: number;
}

export const DEFAULT_S3_REGION = 'us-east-1';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// An idle limit: a slow line that keeps sending never hits it; a frozen server is noticed here.
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Checks the settings once, before any request: a clear error instead of an SDK stack trace. */
export function validS3Settings(settings: S3Settings | undefined): ValidS3Settings {
	if (!settings?.accessKeyId?.trim() || !settings.secretAccessKey?.trim()) {
		throw new StackBackupError('INVALID_INPUT', 'A bucket was given as the backup root, but no S3 access key', {
			hint: 'Give the access key id and secret of the S3 server (and its endpoint, for a server other than AWS).',
			details: { field: 's3Credential' },
		});
	}
	const endpoint = settings.endpoint?.trim() || undefined;
	if (endpoint) {
		let url: URL | undefined;
		try {
			url = new URL(endpoint);
		} catch {
			url = undefined;
		}
		if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname.length > 1) {
			throw invalidOption(
				's3Credential',
				`The S3 endpoint "${endpoint}" is not an http(s) URL of a server`,
				"Give the server's URL alone, e.g. https://s3.example.com or http://127.0.0.1:9000 (the bucket goes in the root, s3://bucket/prefix).",
			);
		}
	}
	return {
		endpoint,
		region: settings.region?.trim() || DEFAULT_S3_REGION,
		accessKeyId: settings.accessKeyId.trim(),
		secretAccessKey: settings.secretAccessKey,
		// Servers other than AWS are reached by path far more often than by virtual host.
		forcePathStyle: settings.forcePathStyle ?? Boolean(endpoint),
		caCertificate: settings.caCertificate?.trim() || undefined,
		connectTimeoutMs: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
		requestTimeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
	};
}

/** The standard AWS variables, as the command line reads them. Secrets never come from argv. */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv): S3Settings | undefined {
	if (!env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY) return undefined;
	return {
		endpoint: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL,
		region: env.AWS_REGION || env.AWS_DEFAULT_REGION,
		accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
		secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
		forcePathStyle: env.AWS_S3_FORCE_PATH_STYLE ? env.AWS_S3_FORCE_PATH_STYLE === 'true' : undefined,
		caCertificate: undefined,
		// The limit on each request to the server, for slow links (or tests that freeze the server).
		requestTimeoutMs: Number(env.STACK_BACKUP_S3_TIMEOUT_SECONDS) > 0 ? Number(env.STACK_BACKUP_S3_TIMEOUT_SECONDS) * 1000 : undefined,
	};
}
