import { buildPgDumpArgs } from '../../../core/postgres/pgDumpArgs';

const none = {};

describe('buildPgDumpArgs', () => {
	it('plain format: never asks for a password, and holds no connection setting (libpq variables carry them)', () => {
		const args = buildPgDumpArgs({ format: 'plain', compressOutside: true, filters: none });
		expect(args).toEqual(['--no-password', '--format=plain']);
		expect(args.join(' ')).not.toMatch(/host|port|user|password=|dbname/);
	});

	it('custom format turns pg_dump compression off only when we compress outside', () => {
		expect(buildPgDumpArgs({ format: 'custom', compressOutside: true, filters: none })).toEqual([
			'--no-password',
			'--format=custom',
			'--compress=0',
		]);
		expect(buildPgDumpArgs({ format: 'custom', compressOutside: false, filters: none })).toEqual(['--no-password', '--format=custom']);
	});

	it('the snapshot comes before the filters; each filter value is one trimmed --flag=value, blanks dropped', () => {
		const args = buildPgDumpArgs({
			format: 'plain',
			compressOutside: true,
			snapshot: '00000003-0000001B-1',
			filters: {
				includeSchemas: ['public'],
				excludeSchemas: [' audit '],
				includeTables: ['public.workflow_entity', '  '],
				excludeTables: ['tmp_*'],
				excludeTableData: ['execution_data', 'public."Event Log"'],
			},
		});
		expect(args).toEqual([
			'--no-password',
			'--format=plain',
			'--snapshot=00000003-0000001B-1',
			'--schema=public',
			'--exclude-schema=audit',
			'--table=public.workflow_entity',
			'--exclude-table=tmp_*',
			'--exclude-table-data=execution_data',
			'--exclude-table-data=public."Event Log"',
		]);
	});

	it('a value cannot smuggle in a second option: it stays inside its own --flag=value word', () => {
		const args = buildPgDumpArgs({ format: 'plain', compressOutside: true, filters: { includeTables: ['x --file=/etc/passwd'] } });
		expect(args).toContain('--table=x --file=/etc/passwd');
		expect(args).not.toContain('--file=/etc/passwd');
	});
});
