import {
	DEFAULT_DOCKER_SOCKET,
	DEFAULT_MIN_FREE_MB,
	DEFAULT_STALL_TIMEOUT_SECONDS,
	parseCompression,
	parseDockerHost,
	type Compression,
	type DockerConnection,
	type EncryptionOptions,
	type Logger,
	type Place,
	type SigningOptions,
} from '../../core';
import { AGE_ENCRYPT_USAGE, ageEncryptOptionSpec, readEncryption } from './ageOptions';
import { readSigning, SIGN_USAGE, signOptionSpec } from './signingOptions';
import type { OptionSpec, ParsedValues } from './Command';
import { optionalString, requiredString } from './optionValues';
import { UsageError } from './UsageError';
import { placeFrom } from './storageOptions';

/** Options every `backup ...` command takes, with the same names. */
export const backupSetOptionSpec: OptionSpec = {
	root: { type: 'string' },
	set: { type: 'string' },
	compression: { type: 'string' },
	'docker-host': { type: 'string' },
	'min-free-mb': { type: 'string' },
	'run-id': { type: 'string' },
	'stall-timeout': { type: 'string' },
	...ageEncryptOptionSpec,
	...signOptionSpec,
};

export const BACKUP_SET_USAGE = `Common options:
  --root DIR|s3://BUCKET/PREFIX
                          backup root; the set goes to ROOT/NAME/<UTC time>/. A bucket is
                          reached with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
                          AWS_ENDPOINT_URL (AWS_CA_BUNDLE for a private CA; each request
                          waits at most STACK_BACKUP_S3_TIMEOUT_SECONDS idle, default 60)
  --set NAME              set name (letters, digits, ".", "_", "-")
  --compression C         zstd (default where Node has it), gzip or none
  --docker-host ADDR      unix:///var/run/docker.sock (default: $DOCKER_HOST) or tcp://host:port
  --min-free-mb N         refuse to start with less free space (default ${DEFAULT_MIN_FREE_MB})
  --run-id ID             recorded in the manifest
  --stall-timeout N       fail when the source sends no byte for N seconds (a frozen server;
                          default ${DEFAULT_STALL_TIMEOUT_SECONDS}); also each request's limit
The set's lock is a lease of STACK_BACKUP_LOCK_LEASE_SECONDS (default 300), renewed while the
run lives: a run frozen longer loses the set to the next run and never seals its own.
${AGE_ENCRYPT_USAGE}
${SIGN_USAGE}
Progress goes to stderr; the last line on stdout is the result as JSON.`;

export interface BackupSetValues {
	root: Place;
	setName: string;
	runId?: string;
	log: Logger;
	minFreeMb?: string;
	compression: Compression;
	encryption?: EncryptionOptions;
	signing?: SigningOptions;
	lockStaleAfterMs?: number;
	stallTimeoutSeconds?: string;
}

export function readBackupSetOptions(values: ParsedValues, log: Logger, env: NodeJS.ProcessEnv): BackupSetValues {
	return {
		root: placeFrom(requiredString(values, 'root'), 'root', env),
		setName: requiredString(values, 'set'),
		runId: optionalString(values, 'run-id'),
		log,
		minFreeMb: optionalString(values, 'min-free-mb'),
		compression: parseCompression(optionalString(values, 'compression')),
		encryption: readEncryption(values),
		signing: readSigning(values),
		lockStaleAfterMs: leaseFromEnv(env),
		stallTimeoutSeconds: optionalString(values, 'stall-timeout'),
	};
}

function leaseFromEnv(env: NodeJS.ProcessEnv): number | undefined {
	const text = env.STACK_BACKUP_LOCK_LEASE_SECONDS?.trim();
	if (!text) return undefined;
	const seconds = Number(text);
	if (!Number.isFinite(seconds) || seconds < 1)
		throw new UsageError(`STACK_BACKUP_LOCK_LEASE_SECONDS=${text}: give a number of seconds, 1 or more`);
	return seconds * 1000;
}

export function readDockerHost(values: ParsedValues, env: NodeJS.ProcessEnv): DockerConnection {
	return parseDockerHost(optionalString(values, 'docker-host') ?? env.DOCKER_HOST ?? `unix://${DEFAULT_DOCKER_SOCKET}`);
}
