import { createHash } from 'node:crypto';
import { streamBodySource } from '../archive/streamBodySource';
import { TarBlockStream } from '../archive/TarBlockStream';
import { StackBackupError } from '../errors/StackBackupError';
import { showPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';

export interface BucketInventory {
	/** s3://bucket/prefix that was archived. */
	url: string;
	objects: number;
	bytes: number;
	/** sha256 over "key etag" lines in key order: proves which object versions the set holds. */
	etagsSha256: string;
	/** Each object's ETag by its path, up to MAX_LISTED_ETAGS objects (a manifest stays small). */
	etags: Record<string, string> | null;
}

const MAX_LISTED_ETAGS = 10_000;

/**
 * Archives every object under a prefix as a tar stream, one entry per object
 * with its key (below the prefix) as path, read from the bucket as the tar is
 * written: nothing is staged, whatever the bucket's size. `inventory`
 * resolves once the archive is written.
 */
export function openBucketArchive(source: Place): { stream: TarBlockStream; inventory: Promise<BucketInventory> } {
	const tar = new TarBlockStream();
	const inventory = (async (): Promise<BucketInventory> => {
		const hash = createHash('sha256');
		const etags: Record<string, string> = {};
		let objects = 0;
		let bytes = 0;
		for await (const file of source.storage.walk(source.key)) {
			if (tar.destroyed) break;
			await tar.header({ path: file.path, type: 'File', mode: 0o600, uid: 0, gid: 0, mtime: file.modifiedAt, size: file.size });
			const body = source.storage.read(file.key);
			const written = await tar.body(file.size, streamBodySource(body));
			body.destroy();
			if (written.written !== file.size || written.overflowed) {
				throw new StackBackupError('SOURCE_NOT_FOUND', `${source.storage.show(file.key)} changed while it was archived`, {
					hint: 'An object was rewritten during the backup. Run again when nothing writes to the bucket, or accept the next run.',
				});
			}
			objects++;
			bytes += file.size;
			hash.update(`${file.path} ${file.etag ?? ''}\n`);
			if (objects <= MAX_LISTED_ETAGS) etags[file.path] = file.etag ?? '';
		}
		await tar.finish();
		return { url: showPlace(source), objects, bytes, etagsSha256: hash.digest('hex'), etags: objects <= MAX_LISTED_ETAGS ? etags : null };
	})();
	inventory.catch((error: Error) => tar.destroy(error));
	return { stream: tar, inventory };
}
