/** A mistake in the command line itself: exit code 2 and the usage text. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}
