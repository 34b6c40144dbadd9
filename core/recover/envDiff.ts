import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** How a restored .env differs from the live one, by variable name: values are secrets, never shown. */
export interface EnvDiff {
	added: string[];
	removed: string[];
	changed: string[];
	/** True when there is no live .env to compare with. */
	liveMissing: boolean;
}

function parseEnv(text: string): Map<string, string> {
	const vars = new Map<string, string>();
	for (const line of text.split(/\r?\n/)) {
		const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
		if (m) vars.set(m[1], m[2].trim());
	}
	return vars;
}

/** Compares `<restored>/.env` with `<live>/.env`; null when the set held no .env. */
export async function diffEnvFiles(liveDir: string, restoredDir: string): Promise<EnvDiff | null> {
	const restored = await fs.readFile(join(restoredDir, '.env'), 'utf8').catch(() => null);
	if (restored === null) return null;
	const live = await fs.readFile(join(liveDir, '.env'), 'utf8').catch(() => null);
	const after = parseEnv(restored);
	if (live === null) return { added: [...after.keys()], removed: [], changed: [], liveMissing: true };
	const before = parseEnv(live);
	return {
		added: [...after.keys()].filter((k) => !before.has(k)),
		removed: [...before.keys()].filter((k) => !after.has(k)),
		changed: [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)),
		liveMissing: false,
	};
}
