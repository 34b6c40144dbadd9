/** A field holding several values, separated by commas or new lines; empty entries dropped. */
export function splitList(value: unknown): string[] {
	return typeof value === 'string'
		? value
				.split(/[\n,]/)
				.map((s) => s.trim())
				.filter(Boolean)
		: [];
}
