import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
	CreateBucketCommand,
	DeleteBucketCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	ListMultipartUploadsCommand,
	ListObjectsV2Command,
	PutObjectCommand,
	S3Client,
	AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { openPlace, type S3Settings } from '../../core';
import type { Place } from '../../core/storage/Storage';
import { testEnv } from './testEnv';

/** The test S3 server's settings, as the S3 credential or the AWS_* variables would give them. */
export function s3Settings(overrides: Partial<S3Settings> = {}): S3Settings {
	const { endpoint, region, accessKeyId, secretAccessKey } = testEnv().s3;
	return { endpoint, region, accessKeyId, secretAccessKey, forcePathStyle: true, ...overrides };
}

/** The AWS_* variables a user of the command line sets for the test server. */
export function s3EnvVars(): Record<string, string> {
	const { endpoint, region, accessKeyId, secretAccessKey } = testEnv().s3;
	return { AWS_ENDPOINT_URL: endpoint, AWS_REGION: region, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey };
}

/** A plain SDK client for the test's own looks into the bucket (never the code under test). */
export function rawClient(): S3Client {
	const s = s3Settings();
	return new S3Client({
		endpoint: s.endpoint,
		region: s.region,
		forcePathStyle: true,
		credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
		requestChecksumCalculation: 'WHEN_REQUIRED',
	});
}

export interface TestBucket {
	name: string;
	/** s3://name/prefix */
	url(prefix?: string): string;
	place(prefix?: string): Place;
	keys(prefix?: string): Promise<string[]>;
	put(key: string, body: string | Buffer): Promise<void>;
	get(key: string): Promise<Buffer>;
	unfinishedUploads(): Promise<Array<{ key: string; uploadId: string }>>;
	/** radosgw-admin: a quota on the bucket, in bytes (-1: none). */
	setQuota(bytes: number): void;
}

/** A fresh bucket per test file, emptied and removed afterwards. */
export function useTestBucket(): TestBucket {
	const client = rawClient();
	const name = `t-${randomBytes(6).toString('hex')}`;
	const keys = async (prefix = '') => {
		const out: string[] = [];
		let token: string | undefined;
		do {
			const page = await client.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }));
			out.push(...(page.Contents ?? []).map((o) => o.Key!));
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
		return out.sort();
	};
	const unfinishedUploads = async () =>
		((await client.send(new ListMultipartUploadsCommand({ Bucket: name }))).Uploads ?? []).map((u) => ({
			key: u.Key!,
			uploadId: u.UploadId!,
		}));
	beforeAll(async () => {
		await client.send(new CreateBucketCommand({ Bucket: name }));
	});
	afterAll(async () => {
		for (const u of await unfinishedUploads())
			await client.send(new AbortMultipartUploadCommand({ Bucket: name, Key: u.key, UploadId: u.uploadId }));
		for (const key of await keys()) await client.send(new DeleteObjectCommand({ Bucket: name, Key: key }));
		await client.send(new DeleteBucketCommand({ Bucket: name }));
		client.destroy();
	});
	return {
		name,
		url: (prefix = '') => `s3://${name}/${prefix}`,
		place: (prefix = '') => openPlace(`s3://${name}/${prefix}`, 'root', s3Settings()),
		keys,
		put: async (key, body) => {
			await client.send(new PutObjectCommand({ Bucket: name, Key: key, Body: body }));
		},
		get: async (key) =>
			Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: name, Key: key }))).Body!.transformToByteArray()),
		unfinishedUploads,
		setQuota: (bytes) => {
			const { cephConf } = testEnv().s3;
			const args = ['-c', cephConf, 'quota', 'set', '--quota-scope=bucket', `--bucket=${name}`, `--max-size=${bytes}`];
			execFileSync('radosgw-admin', args, { stdio: 'pipe' });
			execFileSync(
				'radosgw-admin',
				['-c', cephConf, 'quota', bytes < 0 ? 'disable' : 'enable', '--quota-scope=bucket', `--bucket=${name}`],
				{ stdio: 'pipe' },
			);
		},
	};
}

/** rclone, configured for the test server through its environment (no config file, no argv secret). */
export function rcloneEnv(): Record<string, string> {
	const { endpoint, accessKeyId, secretAccessKey } = testEnv().s3;
	return {
		PATH: process.env.PATH ?? '',
		RCLONE_CONFIG_TEST_TYPE: 's3',
		RCLONE_CONFIG_TEST_PROVIDER: 'Ceph',
		RCLONE_CONFIG_TEST_ENDPOINT: endpoint,
		RCLONE_CONFIG_TEST_ACCESS_KEY_ID: accessKeyId,
		RCLONE_CONFIG_TEST_SECRET_ACCESS_KEY: secretAccessKey,
	};
}

/** An s3cmd config file (0600) for the test server. */
export function s3cmdConfig(path: string): string {
	const { endpoint, accessKeyId, secretAccessKey } = testEnv().s3;
	const host = new URL(endpoint).host;
	const text = [
		'[default]',
		`access_key = ${accessKeyId}`,
		`secret_key = ${secretAccessKey}`,
		`host_base = ${host}`,
		`host_bucket = ${host}`,
		'use_https = False',
		'signature_v2 = False',
		'',
	].join('\n');
	require('node:fs').writeFileSync(path, text, { mode: 0o600 });
	return path;
}
