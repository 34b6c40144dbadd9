import { readFileSync } from 'node:fs';
import { openPlace, s3SettingsFromEnv, type OptionField, type Place } from '../../core';
import { UsageError } from './UsageError';

/**
 * A backup root or set path as the command line gives it: a folder, or s3://bucket/prefix
 * reached with the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_REGION, AWS_ENDPOINT_URL, and AWS_CA_BUNDLE for a private CA). Keys never come from argv.
 */
export function placeFrom(text: string, field: OptionField, env: NodeJS.ProcessEnv): Place {
	const settings = s3SettingsFromEnv(env);
	if (settings && env.AWS_CA_BUNDLE) {
		try {
			settings.caCertificate = readFileSync(env.AWS_CA_BUNDLE, 'utf8');
		} catch (error) {
			throw new UsageError(`AWS_CA_BUNDLE names ${env.AWS_CA_BUNDLE}, which cannot be read (${(error as NodeJS.ErrnoException).code})`);
		}
	}
	return openPlace(text, field, settings);
}
