import { PassThrough, pipeline, type Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, loadS3Sdk, type S3Sdk } from './s3Client';
import { MultipartSink } from './s3MultipartSink';
import { isObjectMissing as isMissing, mapS3Error } from './s3Errors';
import { acquireBucketLock, type BucketAccess } from './s3Lock';
import type { ValidS3Settings } from './s3Settings';
import type { HeldLock, LockOptions, Storage, StoredEntry, UnfinishedUpload, WalkedFile, WriteReport, WriteStage } from './Storage';

/**
 * 12 MiB parts: S3 allows 10,000 parts, so one object can hold 117 GiB (a dump of 100 GB fits),
 * while (QUEUE + 1) part buffers, reused, are all the memory an upload takes (36 MiB): 16 MiB
 * parts put the process 106 MiB over idle, past the 96 MiB an upload may add.
 */
export const PART_SIZE = 12 * 1024 * 1024;
const QUEUE = 2;

interface Connected {
	sdk: S3Sdk;
	client: S3Client;
}

/** A bucket as a backup root's storage. Keys are object keys; folders are key prefixes. */
export class S3Storage implements Storage {
	readonly kind = 's3' as const;
	// Private fields (#) are never serialised or printed: a Place that reaches JSON or a log
	// shows no secret.
	readonly #settings: ValidS3Settings;
	#connecting?: Promise<Connected>;

	constructor(
		readonly bucket: string,
		settings: ValidS3Settings,
	) {
		this.#settings = settings;
	}

	show(key: string): string {
		return `s3://${this.bucket}/${key}`;
	}

	private connect(): Promise<Connected> {
		this.#connecting ??= loadS3Sdk().then((sdk) => ({ sdk, client: createS3Client(sdk, this.#settings) }));
		return this.#connecting;
	}

	/** Runs one request; its failure becomes a coded error naming the object and what was done. */
	private async send<T>(key: string, doing: string, request: (c: Connected) => Promise<T>): Promise<T> {
		const connected = await this.connect();
		try {
			return await request(connected);
		} catch (error) {
			throw mapS3Error(error, this.show(key), doing);
		}
	}

	/** Proves that the keys open the bucket: what the credential's Test button and the first use check. */
	async check(): Promise<void> {
		await this.send('', 'checking the bucket', ({ sdk, client }) => client.send(new sdk.HeadBucketCommand({ Bucket: this.bucket })));
	}

	async write(key: string, stages: readonly WriteStage[]): Promise<WriteReport> {
		const { sdk, client } = await this.connect();
		const sink = new MultipartSink({ sdk, client, bucket: this.bucket, key, partSize: PART_SIZE, queue: QUEUE });
		try {
			await pipelineAsync([...stages, sink] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]);
		} catch (error) {
			throw mapS3Error(error, this.show(key), 'uploading');
		}
		return { partSize: PART_SIZE };
	}

	async writeText(key: string, text: string): Promise<void> {
		await this.send(key, 'writing', ({ sdk, client }) =>
			client.send(
				new sdk.PutObjectCommand({
					Bucket: this.bucket,
					Key: key,
					Body: text,
					ContentLength: Buffer.byteLength(text),
					ContentType: 'application/json',
				}),
			),
		);
	}

	read(key: string): Readable {
		const out = new PassThrough({ highWaterMark: 1024 * 1024 });
		this.send(key, 'reading', ({ sdk, client }) => client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }))).then(
			(answer) => {
				if (out.destroyed) {
					(answer.Body as Readable | undefined)?.destroy();
					return;
				}
				pipeline(answer.Body as Readable, out, (error) => {
					if (error && !out.destroyed) out.destroy(mapS3Error(error, this.show(key), 'reading') as Error);
				});
			},
			(error: Error) => out.destroy(error),
		);
		return out;
	}

	async readText(key: string): Promise<string | null> {
		const { sdk, client } = await this.connect();
		try {
			const answer = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
			return (await answer.Body?.transformToString()) ?? '';
		} catch (error) {
			if (isMissing(error)) return null;
			throw mapS3Error(error, this.show(key), 'reading');
		}
	}

	async stat(key: string): Promise<StoredEntry | null> {
		const { sdk, client } = await this.connect();
		const name = key.split('/').pop() ?? key;
		try {
			const head = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
			return { name, kind: 'file', size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
		} catch (error) {
			if (!isMissing(error)) throw mapS3Error(error, this.show(key), 'looking up');
		}
		const under = await this.send(key, 'listing', ({ sdk: s, client: c }) =>
			c.send(new s.ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${key}/`, MaxKeys: 1 })),
		);
		return (under.KeyCount ?? 0) > 0 ? { name, kind: 'folder', size: 0, modifiedAt: new Date(0) } : null;
	}

	async list(folder: string): Promise<StoredEntry[]> {
		const prefix = folder ? `${folder}/` : '';
		const entries: StoredEntry[] = [];
		let token: string | undefined;
		do {
			const page = await this.send(folder, 'listing', ({ sdk, client }) =>
				client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token })),
			);
			for (const common of page.CommonPrefixes ?? []) {
				const name = (common.Prefix ?? '').slice(prefix.length, -1);
				if (name) entries.push({ name, kind: 'folder', size: 0, modifiedAt: new Date(0) });
			}
			for (const object of page.Contents ?? []) {
				const name = (object.Key ?? '').slice(prefix.length);
				// "folder/" markers that some tools write are not entries.
				if (name) entries.push({ name, kind: 'file', size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) });
			}
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
		return entries;
	}

	async *walk(folder: string): AsyncGenerator<WalkedFile> {
		const prefix = folder ? `${folder}/` : '';
		let token: string | undefined;
		do {
			const page = await this.send(folder, 'listing', ({ sdk, client }) =>
				client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
			);
			for (const object of page.Contents ?? []) {
				const key = object.Key ?? '';
				// "folder/" markers that some tools write hold nothing to keep.
				if (!key || key.endsWith('/')) continue;
				yield {
					path: key.slice(prefix.length),
					key,
					size: object.Size ?? 0,
					modifiedAt: object.LastModified ?? new Date(0),
					etag: object.ETag?.replace(/"/g, ''),
				};
			}
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
	}

	async remove(key: string): Promise<void> {
		await this.send(key, 'deleting', ({ sdk, client }) => client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
	}

	async removeEmptyFolder(): Promise<void> {
		// A prefix with no objects under it does not exist: nothing to remove.
	}

	async makeFolder(folder: string): Promise<boolean> {
		const under = await this.send(folder, 'listing', ({ sdk, client }) =>
			client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${folder}/`, MaxKeys: 1 })),
		);
		return (under.KeyCount ?? 0) === 0;
	}

	async assertRoom(): Promise<void> {
		// A bucket has no free space to read; a full quota fails the upload with S3_QUOTA_EXCEEDED.
	}

	async lock(folder: string, options: LockOptions): Promise<HeldLock> {
		const { sdk, client } = await this.connect();
		const bucket: BucketAccess = { sdk, client, bucket: this.bucket, show: (key) => this.show(key) };
		return acquireBucketLock(bucket, folder, options);
	}

	async unfinishedUploads(folder: string): Promise<UnfinishedUpload[]> {
		const uploads: UnfinishedUpload[] = [];
		let keyMarker: string | undefined;
		let idMarker: string | undefined;
		do {
			const page = await this.send(folder, 'listing unfinished uploads', ({ sdk, client }) =>
				client.send(
					new sdk.ListMultipartUploadsCommand({
						Bucket: this.bucket,
						Prefix: `${folder}/`,
						KeyMarker: keyMarker,
						UploadIdMarker: idMarker,
					}),
				),
			);
			for (const u of page.Uploads ?? []) {
				if (u.Key && u.UploadId) uploads.push({ key: u.Key, uploadId: u.UploadId, startedAt: u.Initiated ?? new Date(0) });
			}
			keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
			idMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
		} while (keyMarker);
		return uploads;
	}

	async abortUpload(upload: UnfinishedUpload): Promise<void> {
		await this.send(upload.key, 'aborting an unfinished upload', ({ sdk, client }) =>
			client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId })),
		);
	}
}
