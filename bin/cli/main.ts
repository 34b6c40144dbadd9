import { parseArgs } from 'node:util';
import { StackBackupError, isStackBackupError, redactSecrets } from '../../core';
import type { Command } from './Command';
import { stderrLogger } from './stderrLogger';
import { UsageError } from './UsageError';
import { flagsSentence } from './optionFlags';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	env: NodeJS.ProcessEnv;
}

function overview(commands: readonly Command[]): string {
	const lines = commands.map((c) => `  n8n-stack-backup ${c.path.join(' ').padEnd(18)} ${c.summary}`);
	return `Usage:\n${lines.join('\n')}\n\nRun a command with --help for its options.`;
}

function findCommand(commands: readonly Command[], argv: string[]): Command | undefined {
	return commands.find((c) => c.path.every((word, i) => argv[i] === word));
}

/**
 * Parses, runs and reports one command. Exit codes: 0 ok, 1 the work failed,
 * 2 the command line is wrong. On success the last stdout line is the
 * command's JSON result; on failure it is {"error": {code, message, hint}}.
 */
export async function runCli(commands: readonly Command[], argv: string[], io: CliIo): Promise<number> {
	const command = findCommand(commands, argv);
	if (!command) {
		const asked = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h';
		io.stderr.write(`${asked ? '' : `Unknown command: ${argv.join(' ')}\n\n`}${overview(commands)}\n`);
		return asked ? EXIT_OK : EXIT_USAGE;
	}
	const rest = argv.slice(command.path.length);
	if (rest.includes('--help') || rest.includes('-h')) {
		io.stderr.write(`${command.usage}\n`);
		return EXIT_OK;
	}
	const log = stderrLogger(io.stderr);
	try {
		let parsed;
		try {
			parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
		} catch (error) {
			throw new UsageError((error as Error).message);
		}
		const result = await command.run({ values: parsed.values as never, positionals: parsed.positionals, env: io.env, log });
		if (command.render && !parsed.values.json) io.stdout.write(command.render(result));
		io.stdout.write(`${JSON.stringify(result)}\n`);
		return command.failed?.(result) ? EXIT_FAILURE : EXIT_OK;
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr.write(`Error: ${error.message}\n\n${command.usage}\n`);
			return EXIT_USAGE;
		}
		const secrets = [io.env.PGPASSWORD, io.env.REDISCLI_AUTH];
		if (isStackBackupError(error)) {
			const hint = [error.hint, flagsSentence(error.details, command.fieldFlags)].filter(Boolean).join(' ');
			if (error.code === 'INVALID_INPUT') {
				io.stderr.write(`Error: ${error.message}\n${hint ? `Hint: ${hint}\n` : ''}`);
				io.stdout.write(`${JSON.stringify({ error: { ...error.toJSON(), hint: hint || undefined } })}\n`);
				return EXIT_USAGE;
			}
			io.stderr.write(`Error [${error.code}]: ${error.message}\n${hint ? `Hint: ${hint}\n` : ''}`);
			io.stdout.write(`${JSON.stringify({ error: { ...error.toJSON(), hint: hint || undefined } })}\n`);
			return EXIT_FAILURE;
		}
		const unexpected = new StackBackupError('UNEXPECTED', redactSecrets((error as Error)?.message ?? String(error), secrets), {
			hint: 'This error has no code of its own, so it was not foreseen: run again with the same options, and if it repeats, report it with this message.',
		});
		io.stderr.write(`Error [${unexpected.code}]: ${unexpected.message}\nHint: ${unexpected.hint}\n`);
		io.stdout.write(`${JSON.stringify({ error: unexpected.toJSON() })}\n`);
		return EXIT_FAILURE;
	}
}
