import { UsageError } from './UsageError';
import type { ParsedValues } from './Command';

export function requiredString(values: ParsedValues, name: string): string {
	const value = values[name];
	if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
	return value;
}

export function optionalString(values: ParsedValues, name: string): string | undefined {
	const value = values[name];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export function stringList(values: ParsedValues, name: string): string[] | undefined {
	const value = values[name];
	return Array.isArray(value) && value.length > 0 ? value : undefined;
}

export function optionalNumber(values: ParsedValues, name: string): number | undefined {
	const value = optionalString(values, name);
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} takes a number of 0 or more, not "${value}"`);
	return n;
}

export function oneOf<T extends string>(values: ParsedValues, name: string, allowed: readonly T[], fallback: T): T {
	const value = optionalString(values, name) ?? fallback;
	if (!(allowed as readonly string[]).includes(value)) {
		throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`);
	}
	return value as T;
}
