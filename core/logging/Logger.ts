/**
 * What the core reports while it works. The n8n nodes forward it to
 * `this.logger`, the CLI to stderr. Messages must already be free of secrets.
 */
export interface Logger {
	info(message: string): void;
	warn(message: string): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };
