const MAX_PREVIEW = 80;

/**
 * What the user gave, short, for an error message: an n8n expression can hand over a whole
 * item (large, nested, even circular), and none of it belongs in an error whole.
 */
export function typedPreview(raw: unknown): string {
	if (typeof raw === 'string') return JSON.stringify(raw.length > MAX_PREVIEW ? `${raw.slice(0, MAX_PREVIEW)}…` : raw);
	if (typeof raw === 'number' || typeof raw === 'boolean' || raw === null) return String(raw);
	if (Array.isArray(raw)) return `a list of ${raw.length}`;
	return `a value of type ${typeof raw}`;
}
