#!/usr/bin/env node
// A stand-in for pg_dump whose dump stays open until the test opens its gate (the file named by
// STACK_TEST_PG_DUMP_GATE appears): a backup run then holds its lock for exactly as long as the
// test needs, with no sleep that hopes a race goes one way. It answers --version like pg_dump 15.
import { existsSync } from 'node:fs';

if (process.argv.includes('--version')) {
	process.stdout.write('pg_dump (PostgreSQL) 15.99\n');
	process.exit(0);
}
const gate = process.env.STACK_TEST_PG_DUMP_GATE;
process.stdout.write('--\n-- gated dump\n--\n\nCREATE TABLE public.gated (id integer);\n');
const started = Date.now();
const timer = setInterval(() => {
	// A gate that never opens ends the dump with an error after two minutes: never a hang.
	if (Date.now() - started > 120_000) {
		process.stderr.write('gatedPgDump: the gate never opened\n');
		process.exit(1);
	}
	if (gate && !existsSync(gate)) return;
	clearInterval(timer);
	process.stdout.write('COPY public.gated (id) FROM stdin;\n1\n2\n\\.\n\n');
}, 50);
