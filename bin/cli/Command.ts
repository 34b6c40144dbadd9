import type { ParseArgsConfig } from 'node:util';
import type { Logger } from '../../core';
import type { FieldFlags } from './optionFlags';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
	values: ParsedValues;
	positionals: string[];
	env: NodeJS.ProcessEnv;
	log: Logger;
}

/**
 * One CLI command. `run` returns what is printed as the final JSON line on
 * stdout; progress goes through `log` to stderr.
 */
export interface Command {
	/** Words that select it, e.g. ["backup", "postgres"]. */
	path: string[];
	summary: string;
	usage: string;
	options: OptionSpec;
	run(ctx: CommandContext): Promise<unknown>;
	/** Human-readable output printed before the JSON line, unless --json is given. */
	render?(result: unknown): string;
	/** This command's flags where they differ from OPTION_FLAGS, for the hints of its errors. */
	fieldFlags?: FieldFlags;
	/** A result that is a failure (a drill that failed): exit code 1, though nothing threw. */
	failed?(result: unknown): boolean;
}
