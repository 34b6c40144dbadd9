/** INFO output as key/value pairs (all sections). */
export function parseInfo(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of text.split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
	}
	return out;
}

/** "db0:keys=3,expires=0,avg_ttl=0" lines -> { db0: 3 } */
export function keyCounts(info: Record<string, string>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const [key, value] of Object.entries(info)) {
		const match = /^db(\d+)$/.exec(key) && /(?:^|,)keys=(\d+)/.exec(value);
		if (match) counts[key] = Number(match[1]);
	}
	return counts;
}
