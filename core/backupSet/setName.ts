import { invalidOption } from '../options/invalidOption';

const SET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * A set name becomes a folder under the backup root, so anything that could
 * climb out of it (`..`, `/`, NUL) or hide it (a leading dot) is refused
 * before any file is touched.
 */
export function validateSetName(name: string): string {
	if (typeof name !== 'string' || !SET_NAME.test(name) || name.includes('..')) {
		throw invalidOption(
			'setName',
			`Invalid set name "${String(name).replace(/\0/g, '\\0')}"`,
			'Use 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit (for example "n8n-postgres").',
		);
	}
	return name;
}
