import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields, type OptionField } from '../options/optionFields';

// "s3://bucket/prefix", "https://...": a scheme, then "//". A Windows drive ("C:\") or a plain
// path never matches.
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * A path that must be a folder or file on this machine (a restore target, a scratch folder, a
 * file to back up). A URL is refused before anything is written: taken as a path it would
 * become a local folder named "s3:". Backup roots and set folders go through openPlace, which
 * also takes a bucket.
 */
export function localPath(path: string, field?: OptionField): string {
	if (URL_LIKE.test(path.trim())) {
		throw new StackBackupError('INVALID_INPUT', `"${path}" is a URL, not a folder on this machine`, {
			hint: 'Give a folder or file on this machine (a mounted volume or disk). A URL is never taken for a folder name.',
			details: field ? aboutFields(field) : {},
		});
	}
	return path;
}
