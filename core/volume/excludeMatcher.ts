import { minimatch } from 'minimatch';
import { invalidInput } from '../errors/StackBackupError';

/**
 * Exclude globs as users write them for tar and .dockerignore: "*.log",
 * "cache/**", "/tmp" (anchored at the root). A pattern without a slash
 * matches at any depth; a matched folder excludes everything below it.
 */
export type ExcludeMatcher = (relativePath: string) => boolean;

/** A matcher for the patterns, or null when there are none (nothing to filter). */
export function excludeMatcher(patterns: readonly string[] = []): ExcludeMatcher | null {
	const cleaned = patterns.map((p) => p.trim()).filter(Boolean);
	for (const p of cleaned) {
		if (p.includes('\0')) throw invalidInput(`Invalid exclude pattern ${JSON.stringify(p)}`, 'Use globs like *.log or cache/**.');
	}
	if (cleaned.length === 0) return null;
	const globs = cleaned.map((p) => (p.startsWith('/') ? p.slice(1) : p.includes('/') ? p : `**/${p}`));
	return (relativePath) => {
		const path = relativePath.replace(/^\.\/?/, '').replace(/\/$/, '');
		if (!path) return false;
		const parts = path.split('/');
		// A folder that matches takes its contents with it.
		for (let i = 1; i <= parts.length; i++) {
			const prefix = parts.slice(0, i).join('/');
			if (globs.some((g) => minimatch(prefix, g, { dot: true }))) return true;
		}
		return false;
	};
}
