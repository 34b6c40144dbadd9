import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface TreeCounts {
	files: number;
	directories: number;
	symlinks: number;
	bytes: number;
}

/** Counts what a folder holds (below it, not itself), without following symlinks. */
export async function countTree(dir: string): Promise<TreeCounts> {
	const counts: TreeCounts = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
	const walk = async (path: string): Promise<void> => {
		for (const entry of await fs.readdir(path, { withFileTypes: true })) {
			const full = join(path, entry.name);
			if (entry.isSymbolicLink()) counts.symlinks++;
			else if (entry.isDirectory()) {
				counts.directories++;
				await walk(full);
			} else if (entry.isFile()) {
				counts.files++;
				counts.bytes += (await fs.lstat(full)).size;
			}
		}
	};
	await walk(dir);
	return counts;
}
