import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Sdk } from './s3Client';

export interface MultipartTarget {
	sdk: S3Sdk;
	client: S3Client;
	bucket: string;
	key: string;
	partSize: number;
	/** Parts uploaded at once; one more is filled meanwhile. */
	queue: number;
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');

/**
 * The end of a write into a bucket: bytes are copied once into a few part
 * buffers that are reused for the whole object, so memory stays at
 * (queue + 1) parts whatever the size. While every buffer is on its way to
 * the server, writes wait (back-pressure). Each part carries its Content-MD5.
 * An object smaller than one part goes up as one PutObject; a larger one as
 * a multipart upload, completed in `final` or aborted when the stream fails.
 *
 * lib-storage's Upload concatenates each part from the chunks it read: a new
 * 16 MiB buffer per part, which V8 frees only at its external-memory
 * threshold, so the process grew with the size of the dump. This is why the
 * part loop is ours; the requests are the SDK's.
 */
export class MultipartSink extends Writable {
	private readonly free: Buffer[] = [];
	private current: Buffer | null = null;
	private filled = 0;
	private uploadId: Promise<string> | null = null;
	private readonly parts: Array<{ PartNumber: number; ETag: string }> = [];
	private readonly inFlight = new Set<Promise<void>>();
	private failure: unknown = null;
	private allocated = 0;
	private waiting: (() => void) | null = null;
	private completed = false;

	constructor(private readonly target: MultipartTarget) {
		super({ highWaterMark: 1024 * 1024 });
	}

	/** True once the object went up in parts. */
	get multipart(): boolean {
		return this.uploadId !== null;
	}

	_write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		this.take(chunk).then(() => callback(), callback);
	}

	_final(callback: (error?: Error | null) => void): void {
		this.finish().then(() => callback(), callback);
	}

	_destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		this.waiting?.();
		if (!this.uploadId || this.completed) return callback(error);
		// A failed stream leaves no parts behind: the upload is aborted before the error is passed on.
		this.abort().then(
			() => callback(error),
			() => callback(error),
		);
	}

	private async take(chunk: Buffer): Promise<void> {
		let offset = 0;
		while (offset < chunk.length) {
			if (this.failure) throw this.failure;
			if (!this.current) this.current = await this.nextBuffer();
			const n = Math.min(chunk.length - offset, this.current.length - this.filled);
			chunk.copy(this.current, this.filled, offset, offset + n);
			this.filled += n;
			offset += n;
			if (this.filled === this.current.length) this.send(this.current, this.filled);
		}
	}

	private async nextBuffer(): Promise<Buffer> {
		for (;;) {
			if (this.failure) throw this.failure;
			const buffer = this.free.pop();
			if (buffer) return buffer;
			if (this.allocated < this.target.queue + 1) {
				this.allocated++;
				return Buffer.allocUnsafe(this.target.partSize);
			}
			await new Promise<void>((resolve) => (this.waiting = resolve));
		}
	}

	private send(buffer: Buffer, length: number): void {
		const { sdk, client, bucket, key } = this.target;
		this.current = null;
		this.filled = 0;
		this.uploadId ??= client.send(new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: key })).then((a) => a.UploadId!);
		const PartNumber = this.parts.length + this.inFlight.size + 1;
		const body = buffer.subarray(0, length);
		const upload = (async () => {
			const UploadId = await this.uploadId!;
			const answer = await client.send(
				new sdk.UploadPartCommand({
					Bucket: bucket,
					Key: key,
					UploadId,
					PartNumber,
					Body: body,
					ContentLength: length,
					ContentMD5: md5(body),
				}),
			);
			this.parts.push({ PartNumber, ETag: answer.ETag! });
		})()
			.catch((error: unknown) => {
				this.failure ??= error;
			})
			.finally(() => {
				this.inFlight.delete(upload);
				this.free.push(buffer);
				const wake = this.waiting;
				this.waiting = null;
				wake?.();
			});
		this.inFlight.add(upload);
	}

	private async finish(): Promise<void> {
		const { sdk, client, bucket, key } = this.target;
		if (!this.uploadId) {
			// Smaller than one part: one PutObject, Content-MD5 and all.
			const body = (this.current ?? Buffer.alloc(0)).subarray(0, this.filled);
			await client.send(
				new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentMD5: md5(body) }),
			);
			this.completed = true;
			return;
		}
		if (this.filled > 0 && this.current) this.send(this.current, this.filled);
		while (this.inFlight.size) await Promise.all([...this.inFlight]);
		if (this.failure) throw this.failure;
		const UploadId = await this.uploadId;
		this.parts.sort((a, b) => a.PartNumber - b.PartNumber);
		await client.send(
			new sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: this.parts } }),
		);
		this.completed = true;
	}

	private async abort(): Promise<void> {
		// Parts still on their way would be stored after the abort: let them end first.
		await Promise.allSettled([...this.inFlight]);
		const { sdk, client, bucket, key } = this.target;
		const UploadId = await this.uploadId!.catch(() => null);
		if (UploadId) await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
	}
}
