import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { runNode } from '../support/n8nNodeHarness';
import { runCli, spawnCli } from '../support/runCli';
import { uniqueName, withClient, type ScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';
import { bulkyDatabase } from './support/faultData';
import { tryBadInput } from './support/ledger';

const env = testEnv();
const SECRET = 'Kn0wn-S3cret-for-the-fault-suite';
const hostUrl = (db: string, password = '') =>
	`postgres://${env.hostPostgres.user}${password ? `:${password}` : ''}@127.0.0.1:${env.hostPostgres.port}/${db}`;

/** Command lines of every process running `program` (the container's processes are visible from here too). */
function commandLines(program: string): string[] {
	const seen: string[] = [];
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
			if (new RegExp(`(^|/)${program} `).test(cmdline)) seen.push(cmdline);
		} catch {
			// exited meanwhile
		}
	}
	return seen;
}

/** Every file below `dir`, read as text: what a user could find on disk after the run. */
function filesText(dir: string): string {
	if (!existsSync(dir)) return '';
	return readdirSync(dir, { recursive: true })
		.map((name) => join(dir, String(name)))
		.filter((p) => lstatSync(p).isFile())
		.map((p) => readFileSync(p).toString('latin1'))
		.join('\n');
}

describe('secrets: never in argv, output, errors, manifests or files', () => {
	const work = mkdtempSync(join(tmpdir(), 'fault-secrets-'));
	let db: ScratchDatabase;
	const restored: string[] = [];
	beforeAll(async () => {
		db = await bulkyDatabase(env.hostPostgres, 24);
	});
	afterAll(async () => {
		for (const name of restored)
			await withClient(env.hostPostgres, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
		await db.drop();
		rmSync(work, { recursive: true, force: true });
	});

	it('the password is in the command line of no pg_dump, psql or pg_restore the CLI starts (read from /proc while they run)', async () => {
		const pgEnv = { PGPASSWORD: env.hostPostgres.password };
		const root = join(work, 'argv');
		const runs: Array<[string, string, string[]]> = [
			['pg_dump', 'plain', ['backup', 'postgres', '--root', root, '--set', 'plain', '--url', hostUrl(db.name)]],
			['pg_dump', 'custom', ['backup', 'postgres', '--root', root, '--set', 'custom', '--format', 'custom', '--url', hostUrl(db.name)]],
			['psql', 'plain', ['restore', join(root, 'plain'), '--url', hostUrl('<new>')]],
			['pg_restore', 'custom', ['restore', join(root, 'custom'), '--url', hostUrl('<new>')]],
		];
		for (const [program, format, args] of runs) {
			const target = uniqueName('argv');
			if (args[0] === 'restore') restored.push(target);
			await tryBadInput(`password in the argv of ${program} (${format})`, async () => {
				const run = spawnCli(
					args.map((a) => a.replace('<new>', target)),
					{ env: pgEnv },
				);
				const seen = new Set<string>();
				let finished = false;
				void run.done.then(() => (finished = true));
				while (!finished) {
					for (const line of commandLines(program)) seen.add(line);
					await new Promise((resolve) => setTimeout(resolve, 5));
				}
				const result = await run.done;
				expect(result.code).toBe(0);
				expect(seen.size).toBeGreaterThan(0);
				for (const line of seen) expect(line).not.toContain(env.hostPostgres.password);
			});
		}
	});

	it('a known secret goes through every failure path and appears in no output, error, manifest or file', async () => {
		const root = join(work, 'failures');
		const docker = `unix://${env.dockerSocket}`;
		const paths: Array<[string, string[], NodeJS.ProcessEnv]> = [
			[
				'wrong Postgres password (PGPASSWORD)',
				['backup', 'postgres', '--root', root, '--set', 'p1', '--url', hostUrl(db.name)],
				{ PGPASSWORD: SECRET },
			],
			[
				'wrong Postgres password (in the URL)',
				['backup', 'postgres', '--root', root, '--set', 'p2', '--url', hostUrl(db.name, SECRET)],
				{},
			],
			['Postgres unreachable', ['backup', 'postgres', '--root', root, '--set', 'p3', '--url', `postgres://u:${SECRET}@127.0.0.1:1/db`], {}],
			[
				'database missing',
				['backup', 'postgres', '--root', root, '--set', 'p4', '--url', hostUrl('no_such_db')],
				{ PGPASSWORD: env.hostPostgres.password, SECRET_NEIGHBOUR: SECRET },
			],
			[
				'container missing',
				['backup', 'postgres', '--root', root, '--set', 'p5', '--container', 'no-such-pg', '--database', 'n8n', '--docker-host', docker],
				{ PGPASSWORD: SECRET },
			],
			[
				'Docker socket missing',
				[
					'backup',
					'postgres',
					'--root',
					root,
					'--set',
					'p6',
					'--container',
					'postgres',
					'--database',
					'n8n',
					'--docker-host',
					'unix:///nonexistent.sock',
				],
				{ PGPASSWORD: SECRET },
			],
			// An unknown user: the default user of a Redis without a password accepts any password.
			[
				'wrong Redis user and password (URL)',
				['backup', 'redis', '--root', root, '--set', 'r1', '--url', `redis://nobody:${SECRET}@127.0.0.1:${env.hostRedis.port}`],
				{},
			],
			[
				'wrong Redis password (REDISCLI_AUTH)',
				['backup', 'redis', '--root', root, '--set', 'r2', '--url', `redis://127.0.0.1:${env.hostRedis.port}`],
				{ REDISCLI_AUTH: SECRET },
			],
			['Redis unreachable', ['backup', 'redis', '--root', root, '--set', 'r3', '--url', `redis://:${SECRET}@127.0.0.1:1`], {}],
			['restore into an unreachable server', ['restore', join(work, 'argv', 'plain'), '--url', `postgres://u:${SECRET}@127.0.0.1:1/x`], {}],
			[
				'restore with a wrong password',
				['restore', join(work, 'argv', 'plain'), '--url', hostUrl(uniqueName('never'))],
				{ PGPASSWORD: SECRET },
			],
			[
				'drill against a wrong password',
				['verify', join(work, 'argv', 'custom'), '--drill', '--url', hostUrl('postgres')],
				{ PGPASSWORD: SECRET },
			],
			[
				'extract from an unreachable pg_restore target',
				['extract', 'workflow', join(work, 'argv', 'custom'), '--id', 'x', '--url', `postgres://u:${SECRET}@127.0.0.1:1/x`],
				{},
			],
		];
		for (const [what, args, extraEnv] of paths) {
			await tryBadInput(`secret through the failure path: ${what}`, async () => {
				const run = await runCli(args, { env: extraEnv });
				expect(run.code).not.toBe(0);
				expect(`${run.stdout}\n${run.stderr}`).not.toContain(SECRET);
				expect(filesText(root)).not.toContain(SECRET);
			});
		}
	});

	it('a successful run with the password in its URL leaks it into no output, manifest or file either', async () => {
		const root = join(work, 'success');
		await tryBadInput('secret in the URL of a successful Redis backup', async () => {
			// The default user of this Redis has no password and accepts any: the run succeeds.
			const run = await runCli([
				'backup',
				'redis',
				'--root',
				root,
				'--set',
				'r',
				'--url',
				`redis://default:${SECRET}@127.0.0.1:${env.hostRedis.port}`,
			]);
			expect(run.code).toBe(0);
			expect(`${run.stdout}\n${run.stderr}`).not.toContain(SECRET);
			expect(filesText(root)).not.toContain(SECRET);
		});
	});

	it("the n8n node's error (message, description, stack, serialised) does not carry the password", async () => {
		await tryBadInput('secret through the n8n node error', async () => {
			const error = await runNode(new PostgresDump(), {
				parameters: {
					method: 'local',
					format: 'plain',
					compression: 'zstd',
					backupRoot: join(work, 'node'),
					setName: 'n',
					n8nSkipExecutions: false,
					options: {},
				},
				credentials: {
					stackBackupPostgresApi: {
						host: '127.0.0.1',
						port: env.hostPostgres.port,
						database: db.name,
						user: env.hostPostgres.user,
						password: SECRET,
						ssl: 'disable',
					},
				},
			}).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			const e = error as NodeOperationError;
			for (const text of [e.message, e.description ?? '', e.stack ?? '', JSON.stringify(e)]) expect(text).not.toContain(SECRET);
		});
	});

	it("n8n's encryption key is in no manifest or output, only its fingerprint", async () => {
		const key = 'n8n-encryption-key-0123456789abcdef';
		const userFolder = join(work, 'n8n-home', '.n8n');
		mkdirSync(userFolder, { recursive: true });
		writeFileSync(join(userFolder, 'config'), JSON.stringify({ encryptionKey: key }));
		const envFile = join(work, 'stack.env');
		writeFileSync(envFile, `N8N_ENCRYPTION_KEY=${key}\nDB_TYPE=postgresdb\n`);
		await tryBadInput('the n8n encryption key in a manifest', async () => {
			const root = join(work, 'keys');
			const folder = await runCli(['backup', 'volume', '--root', root, '--set', 'home', '--dir', join(work, 'n8n-home')]);
			const files = await runCli(['backup', 'files', '--root', root, '--set', 'config', '--file', envFile]);
			for (const run of [folder, files]) {
				expect(run.code).toBe(0);
				expect(run.stdout + run.stderr).not.toContain(key);
				expect(readFileSync(join(run.json.path, 'manifest.json'), 'utf8')).not.toContain(key);
			}
			expect(JSON.stringify(folder.json)).toMatch(/"encryptionKeyFingerprint":"[0-9a-f]{8,}"/);
		});
	});
});
