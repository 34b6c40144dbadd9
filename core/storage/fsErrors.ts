import { StackBackupError } from '../errors/StackBackupError';

/** Turns the file-system errors a user can fix into coded errors with a hint. */
export function mapFsError(error: unknown, path: string, doing: string): unknown {
	const code = (error as NodeJS.ErrnoException)?.code;
	switch (code) {
		case 'ENOSPC':
		case 'EDQUOT':
			return new StackBackupError('DISK_FULL', `The disk holding ${path} is full (${doing})`, {
				hint: 'Free some space or prune old sets, then run again. Nothing of this run was kept.',
				details: { path, errno: code },
			});
		case 'EACCES':
		case 'EPERM':
		case 'EROFS':
		case 'ENOTDIR':
		case 'EEXIST':
			return new StackBackupError('ROOT_NOT_WRITABLE', `Cannot write to ${path} (${code} while ${doing})`, {
				hint:
					code === 'EROFS'
						? 'The backup root is on a read-only file system: mount it read-write or choose another folder.'
						: 'Choose a backup root that the n8n user can write to (in Docker, mount a volume there and check its owner).',
				details: { path, errno: code },
			});
		default:
			return error;
	}
}
