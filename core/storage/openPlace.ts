import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields, type OptionField } from '../options/optionFields';
import { LocalStorage } from './localStorage';
import { S3Storage } from './s3Storage';
import { validS3Settings, type S3Settings } from './s3Settings';
import type { Place } from './Storage';

/** A backup root, set or run folder as the user gives it: a path, an s3:// address, or a place already opened. */
export type Location = string | Place;

// "s3://bucket/prefix", "https://...": a scheme, then "//". A Windows drive ("C:\") or a plain path never matches.
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
// S3's rules for bucket names: 3 to 63 lower-case letters, digits, dots and hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const local = new LocalStorage();
// One client per bucket and settings for the life of the process: connections are reused.
const buckets = new Map<string, S3Storage>();

function bucketStorage(bucket: string, settings: S3Settings | undefined): S3Storage {
	const valid = validS3Settings(settings);
	const id = JSON.stringify([bucket, valid]);
	let storage = buckets.get(id);
	if (!storage) {
		storage = new S3Storage(bucket, valid);
		buckets.set(id, storage);
	}
	return storage;
}

/**
 * Opens where sets live. `s3://bucket/prefix` is a bucket (with `s3` saying how to reach it);
 * any other URL is refused, never taken for a folder name; anything else is a local folder.
 */
export function openPlace(location: Location, field: OptionField, s3?: S3Settings): Place {
	if (typeof location !== 'string') return location;
	const text = location.trim();
	if (!text) {
		throw new StackBackupError('INVALID_INPUT', 'No backup root was given', {
			hint: 'Give a folder on a disk with room for the backups, or a bucket as s3://bucket/prefix.',
			details: aboutFields(field),
		});
	}
	if (!URL_LIKE.test(text)) return { storage: local, key: text.length > 1 ? text.replace(/\/+$/, '') : text };
	const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(text);
	if (!match) {
		throw new StackBackupError('INVALID_INPUT', `"${text}" is a URL this tool cannot store to`, {
			hint: 'Give a folder on this machine, or a bucket as s3://bucket/prefix. A URL is never taken for a folder name.',
			details: aboutFields(field),
		});
	}
	const [, bucket, rest] = match;
	if (!BUCKET.test(bucket)) {
		throw new StackBackupError('INVALID_INPUT', `"${bucket}" is not a valid bucket name (in ${text})`, {
			hint: 'A bucket name has 3 to 63 lower-case letters, digits, dots and hyphens: s3://bucket/prefix.',
			details: aboutFields(field),
		});
	}
	const key = rest.split('/').filter(Boolean).join('/');
	return { storage: bucketStorage(bucket, s3), key };
}

/** A place as a person sees it: a path, or s3://bucket/key. */
export function showPlace(place: Place): string {
	return place.storage.show(place.key);
}

export function childPlace(place: Place, ...names: string[]): Place {
	return {
		storage: place.storage,
		key: [place.key, ...names]
			.filter(Boolean)
			.join('/')
			.replace(/\/{2,}/g, '/'),
	};
}

export function parentPlace(place: Place): Place {
	const cut = place.key.lastIndexOf('/');
	return { storage: place.storage, key: cut > 0 ? place.key.slice(0, cut) : cut === 0 ? '/' : '' };
}

export function lastName(place: Place): string {
	return place.key.split('/').filter(Boolean).pop() ?? '';
}
