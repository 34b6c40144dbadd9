import { promises as fs } from 'node:fs';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/**
 * Creates a folder readable only by its owner. The mode is set again after
 * mkdir because the process umask may have narrowed or widened it.
 * Returns true when the folder was created by this call.
 */
export async function ensurePrivateDir(path: string): Promise<boolean> {
	try {
		await fs.mkdir(path, { mode: DIR_MODE });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
	await fs.chmod(path, DIR_MODE);
	return true;
}
