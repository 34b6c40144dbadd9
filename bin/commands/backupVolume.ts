import { backupReport, backupVolume, type VolumeSource } from '../../core';
import { BACKUP_SET_USAGE, backupSetOptionSpec, readBackupSetOptions, readDockerHost } from '../cli/backupSetOptions';
import type { Command } from '../cli/Command';
import { optionalString, stringList } from '../cli/optionValues';
import { UsageError } from '../cli/UsageError';
import { placeFrom } from '../cli/storageOptions';

const USAGE = `Usage: n8n-stack-backup backup volume --root DIR --set NAME (--volume NAME [--image IMAGE] | --dir PATH | --bucket s3://BUCKET/PREFIX)
         [--exclude GLOB]... [--stop-container NAME]... [--stop-label KEY=VALUE] [--skip-unreadable]

Archives a Docker named volume (read through a helper container that is never started; its image
is that of a container using the volume, or --image; nothing is pulled) or a host folder into a
new backup set as tar. Containers given with --stop-container/--stop-label are stopped during the
archive and always started again. --bucket archives every object under the prefix (its key as
the path; the AWS_* variables reach it), with the objects' count, bytes and ETags in the manifest. A live n8n SQLite database in a folder is copied with SQLite's
backup API; in a volume, stop its container.

${BACKUP_SET_USAGE}`;

export const backupVolumeCommand: Command = {
	path: ['backup', 'volume'],
	summary: 'archive a Docker volume or a host folder into a backup set',
	usage: USAGE,
	options: {
		...backupSetOptionSpec,
		volume: { type: 'string' },
		image: { type: 'string' },
		dir: { type: 'string' },
		bucket: { type: 'string' },
		exclude: { type: 'string', multiple: true },
		'stop-container': { type: 'string', multiple: true },
		'stop-label': { type: 'string' },
		'skip-unreadable': { type: 'boolean' },
	},
	async run({ values, env, log }) {
		const volume = optionalString(values, 'volume');
		const dir = optionalString(values, 'dir');
		const bucket = optionalString(values, 'bucket');
		if ([volume, dir, bucket].filter(Boolean).length !== 1)
			throw new UsageError('give one of --volume NAME, --dir PATH or --bucket s3://BUCKET/PREFIX');
		const source: VolumeSource = volume
			? { type: 'volume', volume, image: optionalString(values, 'image') }
			: bucket
				? { type: 'bucket', place: placeFrom(bucket, 'root', env) }
				: { type: 'dir', path: dir! };
		const stopNames = stringList(values, 'stop-container') ?? [];
		const stopLabel = optionalString(values, 'stop-label');
		const result = await backupVolume({
			...readBackupSetOptions(values, log, env),
			source,
			docker: volume || stopNames.length || stopLabel ? readDockerHost(values, env) : undefined,
			excludes: stringList(values, 'exclude'),
			stopContainers: { names: stopNames, label: stopLabel },
			skipUnreadable: Boolean(values['skip-unreadable']),
		});
		return backupReport(result);
	},
};
