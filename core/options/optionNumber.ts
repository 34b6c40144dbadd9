import { invalidOption } from './invalidOption';
import type { OptionField } from './optionFields';
import { typedPreview } from './typedPreview';

export interface NumberRule {
	field: OptionField;
	/** What the number is, in words that fit every front end: "The minimum free space in MB". */
	what: string;
	min: number;
	max?: number;
	integer?: boolean;
}

function rangeText(rule: NumberRule): string {
	const kind = rule.integer ? 'a whole number' : 'a number';
	return rule.max === undefined ? `${kind} of ${rule.min} or more` : `${kind} from ${rule.min} to ${rule.max}`;
}

/**
 * A number as a user typed it: a number from n8n, a string from the command line or from an
 * n8n expression. Empty means "not given" (undefined, so the caller's default applies);
 * anything else must parse and lie within the rule's range.
 */
export function optionNumber(raw: unknown, rule: NumberRule): number | undefined {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return undefined;
	const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
	const fits =
		Number.isFinite(value) &&
		value >= rule.min &&
		(rule.max === undefined || value <= rule.max) &&
		(!rule.integer || Number.isInteger(value));
	if (!fits) {
		throw invalidOption(rule.field, `${rule.what} must be ${rangeText(rule)}, not ${typedPreview(raw)}`, `Give ${rangeText(rule)}.`);
	}
	return value;
}

/** optionNumber, or the default when nothing was given. */
export function optionNumberOr(raw: unknown, rule: NumberRule, fallback: number): number {
	return optionNumber(raw, rule) ?? fallback;
}
