#!/usr/bin/env node
import { runCli } from './cli/main';
import { commands } from './commands';

// For disaster recovery when n8n itself is down: the same core as the n8n nodes.
runCli(commands, process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
	(code) => {
		process.exitCode = code;
	},
	(error: Error) => {
		process.stderr.write(`Unexpected failure: ${error.message}\n`);
		process.exitCode = 1;
	},
);
