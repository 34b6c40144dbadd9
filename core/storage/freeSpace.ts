import { promises as fs } from 'node:fs';
import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields } from '../options/optionFields';

export async function freeBytes(path: string): Promise<number> {
	const stats = await fs.statfs(path);
	return stats.bavail * stats.bsize;
}

/** 1536 -> "1.5 KiB", for messages (manifests and JSON keep exact bytes). */
export function formatBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Fails before anything is written when the backup root cannot hold the expected set. */
export async function assertFreeSpace(path: string, requiredBytes: number): Promise<void> {
	const available = await freeBytes(path);
	if (available < requiredBytes) {
		throw new StackBackupError(
			'INSUFFICIENT_SPACE',
			`Only ${formatBytes(available)} free at ${path}; this backup needs about ${formatBytes(requiredBytes)}`,
			{
				hint: 'Free some space, prune old sets, or choose a backup root on a larger disk (or lower the minimum free space).',
				details: { availableBytes: available, requiredBytes, ...aboutFields('root', 'minFreeMb') },
			},
		);
	}
}
