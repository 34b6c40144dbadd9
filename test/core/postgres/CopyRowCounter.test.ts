import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyRowCounter } from '../../../core/postgres/CopyRowCounter';

/** Feeds `text` through a counter in chunks of `chunkSize` bytes and returns its counts. */
async function count(text: string, chunkSize: number): Promise<Record<string, number>> {
	const bytes = Buffer.from(text, 'utf8');
	const chunks: Buffer[] = [];
	for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
	const counter = new CopyRowCounter();
	let passed = 0;
	await pipeline(
		Readable.from(chunks),
		counter,
		new Writable({
			write(chunk: Buffer, _e, cb) {
				passed += chunk.length;
				cb();
			},
		}),
	);
	expect(passed).toBe(bytes.length);
	return Object.fromEntries(counter.rows);
}

const dump = [
	'SET statement_timeout = 0;',
	'CREATE FUNCTION f() RETURNS text AS $$ COPY x FROM stdin; $$ LANGUAGE sql;',
	'COPY public.workflow_entity (id, name, nodes) FROM stdin;',
	'a1\tFirst\t[]',
	'a2\tSecond line with an escaped\\nnewline\t[]',
	'\\\\.\tnot a terminator (escaped backslash)\t[]',
	'\\.',
	'',
	'COPY "My Schema"."odd table" (id) FROM stdin;',
	'\\.',
	'COPY public.execution_data ("executionId", data) FROM stdin;',
	`1\t${'x'.repeat(20000)}`,
	'2\t{}',
	'\\.',
	'',
].join('\n');

describe('CopyRowCounter (row counts read from a plain dump as it streams)', () => {
	it.each([1, 7, 64, 1024 * 1024])('counts each COPY block, empty ones included, in chunks of %i bytes', async (chunkSize) => {
		expect(await count(dump, chunkSize)).toEqual({
			'public.workflow_entity': 3,
			'My Schema.odd table': 0,
			'public.execution_data': 2,
		});
	});

	it('reads a COPY header longer than 4 KiB (a table with hundreds of columns)', async () => {
		const columns = Array.from({ length: 400 }, (_, i) => `column_with_a_long_name_${i}`);
		const text = `COPY public.wide (${columns.join(', ')}) FROM stdin;\n${columns.map(() => '1').join('\t')}\n\\.\nCOPY public.after (id) FROM stdin;\n1\n2\n\\.\n`;
		expect(text.indexOf('\n')).toBeGreaterThan(4096);
		expect(await count(text, 1000)).toEqual({ 'public.wide': 1, 'public.after': 2 });
	});

	it('counts a data row that happens to start with "COPY " as a row, not a header', async () => {
		const text = 'COPY public.notes (body) FROM stdin;\nCOPY public.other (id) FROM stdin;\n\\.\n';
		expect(await count(text, 5)).toEqual({ 'public.notes': 1 });
	});
});
