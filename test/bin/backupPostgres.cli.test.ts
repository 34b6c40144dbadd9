import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ageKeygen } from '../support/ageCli';
import { NODE20, NODE22, runCli } from '../support/runCli';
import { fingerprint } from '../support/dbFingerprint';
import { createScratchDatabase, uniqueName, useScratchDatabase, withClient } from '../support/scratchDatabase';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';

const env = testEnv();

describe('n8n-stack-backup backup postgres', () => {
	const tmp = useTempDir();
	const scratch = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	const url = () => `postgres://${env.hostPostgres.user}@127.0.0.1:${env.hostPostgres.port}/${scratch.db().name}`;
	const pgEnv = { PGPASSWORD: env.hostPostgres.password };

	it('--url: exit 0, progress on stderr, one JSON line on stdout in the documented shape', async () => {
		const run = await runCli(['backup', 'postgres', '--root', tmp.path(), '--set', 'cli', '--url', url(), '--n8n-skip-executions'], {
			env: pgEnv,
		});
		expect(run.code).toBe(0);
		expect(run.stdout.trim().split('\n')).toHaveLength(1);
		expect(run.json).toEqual({
			set: 'cli',
			path: expect.stringContaining(join(tmp.path(), 'cli') + '/'),
			artifacts: [
				{
					file: `${scratch.db().name}.sql.zst`,
					size: expect.any(Number),
					sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
					compression: 'zstd',
					format: 'plain',
				},
				// n8n's workflows as its own export JSON, beside the dump of an n8n database.
				{
					file: 'workflows.json',
					size: expect.any(Number),
					sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
					compression: 'none',
					format: 'n8n-export',
				},
			],
			inventory: {
				database: scratch.db().name,
				tables: 8,
				rows: 71,
				n8n: { workflows: 42, credentials: 2, lastMigration: 'AddWorkflowPublishing1760000000000' },
			},
			warnings: [],
			durationMs: expect.any(Number),
		});
		expect(run.stderr).toMatch(/pg_dump 15\.\d+ \(plain\)/);
		expect(run.stderr + run.stdout).not.toContain(env.hostPostgres.password);
	});

	it('--container: runs pg_dump in the container, custom format', async () => {
		const inContainer = await createScratchDatabase(env.containerPostgres, { n8nFixture: true });
		try {
			const run = await runCli([
				'backup',
				'postgres',
				'--root',
				tmp.path(),
				'--set',
				'ct',
				'--container',
				'postgres',
				'--database',
				inContainer.name,
				'--user',
				'postgres',
				'--docker-host',
				`unix://${env.dockerSocket}`,
				'--format',
				'custom',
				'--compression',
				'gzip',
			]);
			expect(run.code).toBe(0);
			expect(run.json.artifacts[0]).toMatchObject({ format: 'custom', compression: 'gzip', file: `${inContainer.name}.pgdump.gz` });
			expect(run.json.inventory.rows).toBe(801);
		} finally {
			await inContainer.drop();
		}
	});

	it('runs on Node 20 too, falling back from zstd to gzip', async () => {
		const run = await runCli(['backup', 'postgres', '--root', tmp.path(), '--set', 'n20', '--url', url()], { env: pgEnv, node: NODE20 });
		expect(run.code).toBe(0);
		expect(run.json.artifacts[0].compression).toBe('gzip');
		const zstd = await runCli(['backup', 'postgres', '--root', tmp.path(), '--set', 'n20', '--url', url(), '--compression', 'zstd'], {
			env: pgEnv,
			node: NODE20,
		});
		expect(zstd.code).toBe(2);
		expect(zstd.stderr).toMatch(/zstd compression needs Node\.js 22\.15/);
	});

	it('runs on Node 22 too, with zstd, and round-trips an age-encrypted set there', async () => {
		expect(existsSync(NODE22)).toBe(true);
		const key = ageKeygen(tmp.path(), 'n22');
		const run = await runCli(
			['backup', 'postgres', '--root', tmp.path(), '--set', 'n22', '--url', url(), '--age-recipient', key.recipient],
			{ env: pgEnv, node: NODE22 },
		);
		expect(run.code).toBe(0);
		expect(run.json.artifacts[0]).toMatchObject({ compression: 'zstd', file: expect.stringMatching(/\.sql\.zst\.age$/) });
		const target = uniqueName('n22');
		try {
			const restore = await runCli(
				[
					'restore',
					run.json.path,
					'--url',
					`postgres://${env.hostPostgres.user}@127.0.0.1:${env.hostPostgres.port}/${target}`,
					'--age-identity',
					key.identityFile,
				],
				{ env: pgEnv, node: NODE22 },
			);
			expect(restore.code).toBe(0);
			expect(await fingerprint(env.hostPostgres, target)).toEqual(await fingerprint(env.hostPostgres, scratch.db().name));
		} finally {
			await withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`));
		}
	});

	it.each([
		[['backup', 'postgres', '--root', '/tmp/x', '--url', 'postgres://u@h/db'], /--set is required/],
		[['backup', 'postgres', '--root', '/tmp/x', '--set', 's'], /give --url .* or --container/],
		[['backup', 'postgres', '--bogus'], /Unknown option '--bogus'/],
		[
			['backup', 'postgres', '--root', '/tmp/x', '--set', 's', '--url', 'postgres://u@h/db', '--format', 'tar'],
			/--format must be one of plain, custom/,
		],
		[['backup', 'postgres', '--root', '/tmp/x', '--set', '../up', '--url', 'postgres://u@h/db'], /Invalid set name/],
		[['backup', 'nothing'], /Unknown command/],
	])('usage error %j: exit 2 with the reason', async (args, reason) => {
		const run = await runCli(args as string[]);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(reason);
	});

	it('a failure: exit 1, the coded error as the JSON line, the hint on stderr, no password anywhere', async () => {
		const run = await runCli(['backup', 'postgres', '--root', tmp.path(), '--set', 'bad', '--url', url()], {
			env: { PGPASSWORD: 'Wr0ng-Secret' },
		});
		expect(run.code).toBe(1);
		expect(run.json).toEqual({
			error: {
				code: 'PG_AUTH_FAILED',
				message: expect.stringMatching(/password authentication failed/),
				hint: expect.stringMatching(/Option: --url and PGPASSWORD\.$/),
				details: { field: 'postgresCredential' },
			},
		});
		// The core names the input; the CLI words it as its own flags.
		expect(run.stderr).toMatch(/Hint: Check the user "postgres" and the password Postgres is given\. Option: --url and PGPASSWORD\./);
		expect(run.stdout + run.stderr).not.toContain('Wr0ng-Secret');
	});

	it('a shrink limit over 100 is refused by the core (exit 2, nothing written), the hint naming the flag', async () => {
		const run = await runCli(['backup', 'postgres', '--root', tmp.path(), '--set', 'n', '--url', url(), '--max-shrink-percent', '250']);
		expect(run.code).toBe(2);
		expect(run.json.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'maxShrinkPercent' } });
		expect(run.stderr).toMatch(
			/must be a number from 0 to 100, not "250"\nHint: Give a number from 0 to 100\. Option: --max-shrink-percent\./,
		);
		expect(existsSync(join(tmp.path(), 'n'))).toBe(false);
	});

	it('--root s3://bucket/prefix without the AWS variables is refused (exit 2, the hint naming them), never written as a local folder "s3:"', async () => {
		const run = await runCli(['backup', 'postgres', '--root', 's3://bucket/prefix', '--set', 'n', '--url', url()], { cwd: tmp.path() });
		expect(run.code).toBe(2);
		expect(run.json.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 's3Credential' } });
		expect(run.stderr).toMatch(/no S3 access key\nHint: .*Option: the variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY/);
		expect(existsSync(join(tmp.path(), 's3:'))).toBe(false);
	});

	it('--root https://... is refused: a URL is never taken for a folder name', async () => {
		const run = await runCli(['backup', 'postgres', '--root', 'https://example.test/b', '--set', 'n', '--url', url()], { cwd: tmp.path() });
		expect(run.code).toBe(2);
		expect(run.json.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'root' } });
		expect(run.stderr).toMatch(/is a URL this tool cannot store to\nHint: .*Option: --root\./);
		expect(existsSync(join(tmp.path(), 'https:'))).toBe(false);
	});

	it('Docker socket permission denied (an unprivileged user): DOCKER_PERMISSION_DENIED with the group hint', async () => {
		const root = mkdtempSync(join(tmpdir(), 'cli-nobody-'));
		chmodSync(root, 0o777);
		try {
			const run = await runCli(
				[
					'backup',
					'postgres',
					'--root',
					root,
					'--set',
					'x',
					'--container',
					'postgres',
					'--database',
					'postgres',
					'--docker-host',
					`unix://${env.dockerSocket}`,
				],
				{ unprivileged: true, node: NODE20 },
			);
			expect(run.code).toBe(1);
			expect(run.json.error).toMatchObject({ code: 'DOCKER_PERMISSION_DENIED', hint: expect.stringMatching(/group/) });
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});
});
