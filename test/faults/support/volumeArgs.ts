import { testEnv } from '../../support/testEnv';

/** `backup volume` of a test volume through the test Docker Engine, gzip (so the stream is CPU-bound and lasts). */
export function volumeBackupArgs(root: string, set: string, volume: string): string[] {
	const env = testEnv();
	return [
		'backup',
		'volume',
		'--root',
		root,
		'--set',
		set,
		'--volume',
		volume,
		'--image',
		env.helperImage,
		'--compression',
		'gzip',
		'--docker-host',
		`unix://${env.dockerSocket}`,
	];
}
