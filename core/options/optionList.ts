import { invalidOption } from './invalidOption';
import type { OptionField } from './optionFields';
import { typedPreview } from './typedPreview';

/**
 * Splits one typed value into entries at new lines and at commas outside double quotes, so
 * a quoted Postgres name such as `public."Audit, 2024"` stays one entry. Blanks are dropped.
 */
function splitEntries(text: string): string[] {
	const out: string[] = [];
	let current = '';
	let quoted = false;
	for (const c of text) {
		if (c === '"') quoted = !quoted;
		if ((c === ',' && !quoted) || c === '\n') {
			out.push(current);
			current = '';
			// A quote left open ends with its line: one typo must not swallow the lines after it.
			if (c === '\n') quoted = false;
		} else current += c;
	}
	out.push(current);
	return out.map((entry) => entry.trim()).filter(Boolean);
}

/**
 * A list as a user typed it: one string with entries separated by commas or new lines (an
 * n8n field), or several strings (a repeated command-line flag), each split the same way.
 * Empty is undefined: "not given".
 */
export function optionList(raw: unknown, field: OptionField): string[] | undefined {
	if (raw === undefined || raw === null) return undefined;
	const parts = typeof raw === 'string' ? [raw] : Array.isArray(raw) && raw.every((v) => typeof v === 'string') ? (raw as string[]) : null;
	if (!parts) throw invalidOption(field, `Expected text, got ${typedPreview(raw)}`, 'Give the entries separated by commas or new lines.');
	const entries = parts.flatMap(splitEntries);
	return entries.length ? entries : undefined;
}
