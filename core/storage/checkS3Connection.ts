import { createS3Client, loadS3Sdk } from './s3Client';
import { mapS3Error } from './s3Errors';
import { validS3Settings, type S3Settings } from './s3Settings';

/**
 * What the S3 credential's Test button runs: the endpoint answers, its certificate is trusted
 * and the keys are accepted. A key that may not list buckets (many are limited to one bucket)
 * is still a good key: the server checked its signature before it refused.
 */
export async function checkS3Connection(settings: S3Settings): Promise<string> {
	const valid = validS3Settings(settings);
	const where = valid.endpoint ?? `AWS (${valid.region})`;
	const sdk = await loadS3Sdk();
	const client = createS3Client(sdk, valid);
	try {
		const answer = await client.send(new sdk.ListBucketsCommand({}));
		return `Connected to ${where}: ${answer.Buckets?.length ?? 0} bucket(s) visible to this key`;
	} catch (error) {
		const name = (error as { name?: string }).name;
		if (name === 'AccessDenied') return `Connected to ${where}: the key is accepted (it may not list buckets, which is fine)`;
		throw mapS3Error(error, where, 'checking the access key');
	} finally {
		client.destroy();
	}
}
