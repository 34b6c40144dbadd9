#!/usr/bin/env node
// A stand-in for pg_dump that streams a plain dump of BENCH_SYNTHETIC_MIB MiB of n8n-like
// execution rows, for the memory-flatness figure: the same CLI pipeline is fed 1 GiB and
// 10 GiB, which a Postgres on this machine cannot produce in a benchmark's time.
// It answers --version like pg_dump 15 and ignores the other arguments.
import { randomBytes } from 'node:crypto';

if (process.argv.includes('--version')) {
	process.stdout.write('pg_dump (PostgreSQL) 15.99\n');
	process.exit(0);
}
const total = Number(process.env.BENCH_SYNTHETIC_MIB ?? 1024) * 1024 * 1024;
// 8 different 1 MiB buffers of rows, cycled: zstd's window at our level (1 MiB) sees no
// repeats. Few, so this process stays far below ours: GNU time reports the largest process.
const buffers = Array.from({ length: 8 }, (_, b) => {
	const rows = [];
	let size = 0;
	for (let i = 0; size < 1024 * 1024; i++) {
		const id = b * 100000 + i;
		const items = Array.from(
			{ length: 8 },
			(_, j) =>
				`{"json":{"id":${id * 10 + j},"customer":"${randomBytes(16).toString('hex')}","amount":${(id * 7 + j) % 9973},"status":"${['paid', 'open', 'late'][(id + j) % 3]}"},"pairedItem":{"item":${j}}}`,
		);
		const row = `${id}\t{"id":"gen","name":"Generated"}\t[${items.join(',')}]\n`;
		rows.push(row);
		size += row.length;
	}
	return Buffer.from(rows.join(''));
});
process.stdout.write('--\n-- synthetic dump\n--\n\nCOPY public.execution_data ("executionId", "workflowData", data) FROM stdin;\n');
let sent = 0;
let next = 0;
const write = () => {
	while (sent < total) {
		const buffer = buffers[next++ % buffers.length];
		sent += buffer.length;
		if (!process.stdout.write(buffer)) return process.stdout.once('drain', write);
	}
	process.stdout.write('\\.\n\n');
};
write();
