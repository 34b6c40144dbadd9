import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let known: string | null | undefined;

/**
 * The version of the n8n this process runs in, or null outside n8n (the CLI).
 * n8n's image sets N8N_VERSION; an n8n installed with npm is found from the
 * program n8n was started as (its bin/n8n), up to n8n's own package.json.
 * Recorded in manifests, so a recovery can name the n8n that made the data.
 */
export function hostN8nVersion(): string | null {
	if (known !== undefined) return known;
	known = process.env.N8N_VERSION?.trim() || versionFromMainProgram();
	return known;
}

function versionFromMainProgram(): string | null {
	let dir = process.argv[1] ? dirname(process.argv[1]) : '';
	for (let depth = 0; dir && depth < 4; depth++, dir = dirname(dir)) {
		try {
			const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
			if (pkg.name === 'n8n' && typeof pkg.version === 'string') return pkg.version;
			if (pkg.name) return null;
		} catch {
			// no package.json at this level: look one up
		}
	}
	return null;
}
