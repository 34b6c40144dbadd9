import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { loadingDatabaseName, recoverStack, writeRecoveryPlan, type RecoverStep } from '../../../core';
import { withClient } from '../../support/scratchDatabase';
import { fingerprint } from '../../support/dbFingerprint';
import { rawTar } from '../../support/hostileTar';
import { testDocker } from '../../support/dockerFixtures';
import { destroyVolume, N8N, n8nLikeImage, n8nState, SETS, useRecoverableStack, VOLUME, volumeFile } from '../../support/recoverableStack';
import { withRedis } from '../../support/redisFixtures';
import { BARE_ENV, runCli, singleExecutable } from '../../support/runCli';
import { testEnv } from '../../support/testEnv';
import { until } from '../../support/until';

const env = testEnv();
const pg = env.containerPostgres;
const connection = { socketPath: env.dockerSocket };
// The database a restore loads into before it becomes the target: it may not outlive a recovery.
const loadingLeft = (database: string) =>
	withClient(
		pg,
		'postgres',
		async (c) => (await c.query('SELECT datname FROM pg_database WHERE datname = $1', [loadingDatabaseName(database)])).rows,
	);

describe("recover: one command brings the whole stack back from a night's plan (real Postgres, Redis and Docker Engine)", () => {
	// One stack for the whole story: the tests follow on from each other, like a night and its morning.
	const stackOf = useRecoverableStack();
	const progress: string[] = [];
	const onStep = (step: RecoverStep, phase: 'start' | 'end') => progress.push(`${phase} ${step.name} ${step.status}`);

	it('the plan names every set of the night and where it goes back to, and holds no secret', () => {
		const { root, stack, db, readinessUrl } = stackOf();
		const plans = join(root, 'recovery-plans');
		const [file] = readdirSync(plans) as string[];
		const text = readFileSync(join(plans, file), 'utf8');
		const plan = JSON.parse(text);
		expect(plan.sets.map((s: { set: string; target: { kind: string } }) => [s.set, s.target.kind])).toEqual([
			['n8n-postgres', 'postgres'],
			['n8n-redis', 'redis'],
			['n8n-data', 'volume'],
			['n8n-config', 'files'],
		]);
		expect(plan.sets[0].target).toEqual({ kind: 'postgres', container: pg.container, database: db.name, user: pg.user });
		expect(plan.sets[1].target).toEqual({ kind: 'redis', container: env.containerRedis.container, port: env.containerRedis.port });
		expect(plan.sets[2].target).toEqual({ kind: 'volume', volume: VOLUME });
		expect(plan.sets[3].target).toEqual({ kind: 'files', dir: stack, files: ['.env', 'docker-compose.yml'] });
		expect(plan.n8n).toEqual({ containers: [N8N], healthUrl: readinessUrl });
		expect(text).not.toContain(pg.password);
		expect(text).not.toContain('key-of-the-night');
	});

	it('--dry-run shows the plan and verifies every set, and touches nothing', async () => {
		const { root, stack, db, work } = stackOf();
		const before = { n8n: (await n8nState()).StartedAt, db: await fingerprint(pg, db.name) };
		const result = await recoverStack({ root, dryRun: true, docker: connection, onStep });
		expect(result.steps.map((s) => [s.name, s.status])).toEqual([
			['plan', 'done'],
			['verify', 'done'],
			['check n8n version', 'done'],
			['stop n8n', 'skipped'],
		]);
		expect(result.steps[1].lines).toHaveLength(4);
		expect((await n8nState()).StartedAt).toBe(before.n8n);
		expect((await n8nState()).Running).toBe(true);
		expect(await fingerprint(pg, db.name)).toEqual(before.db);
		expect(readdirSync(work).filter((name) => name.startsWith('stack.recovered-'))).toEqual([]);
	});

	it('everything destroyed (database dropped, Redis flushed, volume removed and made anew empty, n8n not running, config deleted): recover alone brings it back, n8n answers, RTO printed', async () => {
		const { root, stack, db } = stackOf();
		const before = await fingerprint(pg, db.name);
		await db.drop();
		await withRedis(env.containerRedis.port, (r) => r.flushall());
		await destroyVolume();
		rmSync(join(stack, '.env'));

		progress.length = 0;
		const result = await recoverStack({ root, docker: connection, onStep, readinessTimeoutMs: 60_000 });
		expect(result.steps.map((s) => [s.name, s.status])).toEqual([
			['plan', 'done'],
			['verify', 'done'],
			['check n8n version', 'done'],
			['stop n8n', 'done'],
			['restore n8n-postgres', 'done'],
			['restore n8n-redis', 'done'],
			['restore n8n-data', 'done'],
			['restore n8n-config', 'done'],
			['start n8n', 'done'],
			['readiness', 'done'],
			['compare workflows', 'done'],
		]);
		// Progress as it happens: each step announced, then its end.
		expect(progress.slice(0, 4)).toEqual(['start plan running', 'end plan done', 'start verify running', 'end verify done']);
		// The dump loads beside its target from the verify step on; only the swap waits for n8n's stop.
		expect(result.steps.find((s) => s.name === 'verify')!.lines).toContain(
			`n8n-postgres: loading meanwhile into database "${loadingDatabaseName(db.name)}", beside its target; nothing n8n uses changes before its restore step`,
		);
		expect(await loadingLeft(db.name)).toEqual([]);
		expect(result.differences).toEqual([]);
		expect(result.workflowsChecked).toBe(42);
		expect(result.rtoMs).toBeGreaterThan(0);
		expect(await fingerprint(pg, db.name)).toEqual(before);
		await withRedis(env.containerRedis.port, async (r) => expect(await r.hgetall('n8n:hash')).toEqual({ a: '1', b: '2' }));
		expect(await volumeFile('hello.txt')).toBe('hello\n');
		expect((await n8nState()).Running).toBe(true);
		// The config comes back beside the live folder, never over it; the .env difference is told by name.
		expect(result.configDir).toMatch(new RegExp(`^${stack}\\.recovered-`));
		expect(readFileSync(join(result.configDir!, '.env'), 'utf8')).toContain('N8N_ENCRYPTION_KEY=key-of-the-night');
		expect(existsSync(join(stack, '.env'))).toBe(false);
		expect(result.envDiff).toEqual({ added: ['N8N_ENCRYPTION_KEY', 'POSTGRES_PASSWORD'], removed: [], changed: [], liveMissing: true });
	});

	it('the .env difference names the variables that changed, never their values', async () => {
		const { root, stack } = stackOf();
		writeFileSync(join(stack, '.env'), 'N8N_ENCRYPTION_KEY=a-new-key\nEXTRA=1\n');
		const result = await recoverStack({ root, docker: connection, readinessTimeoutMs: 60_000 });
		expect(result.envDiff).toEqual({
			added: ['POSTGRES_PASSWORD'],
			removed: ['EXTRA'],
			changed: ['N8N_ENCRYPTION_KEY'],
			liveMissing: false,
		});
		expect(JSON.stringify(result)).not.toContain('key-of-the-night');
		expect(readFileSync(join(stack, '.env'), 'utf8')).toBe('N8N_ENCRYPTION_KEY=a-new-key\nEXTRA=1\n');
		// The existing database was replaced after a safety backup of it.
		expect(result.steps.find((s) => s.name === 'restore n8n-postgres')!.lines[0]).toMatch(/replaced; safety backup /);
	});

	it('a damaged set stops the recovery at verify, before n8n is stopped or anything restored', async () => {
		const { root } = stackOf();
		const redisRun = readdirSync(join(root, 'n8n-redis'))[0] as string;
		const manifest = JSON.parse(readFileSync(join(root, 'n8n-redis', redisRun, 'manifest.json'), 'utf8'));
		const file = join(root, 'n8n-redis', redisRun, manifest.artifacts[0].file);
		const good = readFileSync(file);
		const bad = Buffer.from(good);
		bad[bad.length - 3] ^= 0xff;
		writeFileSync(file, bad);
		const startedAt = (await n8nState()).StartedAt;
		try {
			await expect(recoverStack({ root, docker: connection })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
			expect((await n8nState()).StartedAt).toBe(startedAt);
		} finally {
			writeFileSync(file, good);
		}
	});

	it('a volume archive with an entry that would land outside its volume stops the recovery at verify (one read: sha256 and entries), before n8n is stopped or anything restored', async () => {
		const { root, db } = stackOf();
		const run = join(root, 'n8n-data', readdirSync(join(root, 'n8n-data')).find((n) => /^\d{4}-/.test(n))!);
		const manifestPath = join(run, 'manifest.json');
		const goodManifest = readFileSync(manifestPath, 'utf8');
		const manifest = JSON.parse(goodManifest);
		const artifact = manifest.artifacts.find((a: { kind: string }) => a.kind === 'volume');
		const file = join(run, artifact.file);
		const good = readFileSync(file);
		const tar = rawTar([
			{ path: 'ok.txt', type: 'File', body: 'fine' },
			{ path: '../escape.txt', type: 'File', body: 'out' },
		]);
		const hostile = execFileSync('zstd', ['-q', '-c'], { input: tar });
		artifact.rawSize = tar.length;
		artifact.size = hostile.length;
		artifact.sha256 = createHash('sha256').update(hostile).digest('hex');
		writeFileSync(file, hostile);
		writeFileSync(manifestPath, JSON.stringify(manifest));
		const startedAt = (await n8nState()).StartedAt;
		const before = await fingerprint(pg, db.name);
		try {
			const failure = await recoverStack({ root, docker: connection, onStep }).then(
				() => undefined,
				(e: unknown) => e as { code: string; message: string },
			);
			expect(failure).toMatchObject({ code: 'UNSAFE_ARCHIVE_ENTRY', message: expect.stringContaining('../escape.txt') });
			expect(progress.at(-1)).toBe('end verify failed');
			expect((await n8nState()).StartedAt).toBe(startedAt);
			expect(await fingerprint(pg, db.name)).toEqual(before);
			// The dump that began loading beside it as its own set was proven is dropped again.
			expect(await loadingLeft(db.name)).toEqual([]);
		} finally {
			writeFileSync(file, good);
			writeFileSync(manifestPath, goodManifest);
		}
	});

	it("a plan whose run is gone (pruned since, or moved): SET_NOT_FOUND names the plan's run and says to take the newest plan", async () => {
		const { root } = stackOf();
		const run = readdirSync(join(root, 'n8n-redis')).find((n) => /^\d{4}-/.test(n))!;
		renameSync(join(root, 'n8n-redis', run), join(root, 'n8n-redis', `moved-${run}`));
		try {
			await expect(recoverStack({ root, dryRun: true, docker: connection })).rejects.toMatchObject({
				code: 'SET_NOT_FOUND',
				message: expect.stringContaining(`The plan's run n8n-redis/${run} is gone`),
				hint: expect.stringMatching(/Take the newest plan .*Nothing was stopped or restored\./),
			});
		} finally {
			renameSync(join(root, 'n8n-redis', `moved-${run}`), join(root, 'n8n-redis', run));
		}
	});

	it('a failure mid-restore leaves n8n stopped and names the state of every part, and what to run next', async () => {
		const { root, stack } = stackOf();
		// The Redis container is gone: Postgres is restored, Redis fails, the rest is untouched.
		const redis = testDocker().getContainer(env.containerRedis.container);
		await redis.rename({ name: `${env.containerRedis.container}-away` });
		try {
			const failure = await recoverStack({ root, docker: connection }).then(
				() => undefined,
				(e: unknown) => e as { code: string; message: string; hint: string; details: Record<string, unknown> },
			);
			expect(failure?.code).toBe('CONTAINER_NOT_FOUND');
			expect(failure?.message).toMatch(
				/^Recovery stopped: .*State: n8n-postgres: restored; n8n-redis: failed mid-restore; n8n-data: untouched; n8n-config: untouched; n8n \(stack-recover-n8n\) left stopped$/,
			);
			expect(failure?.hint).toMatch(/run the recovery again/);
			expect((await n8nState()).Running).toBe(false);
		} finally {
			await testDocker().getContainer(`${env.containerRedis.container}-away`).rename({ name: env.containerRedis.container });
		}
		// Run again: it completes and starts n8n.
		const again = await recoverStack({ root, docker: connection, readinessTimeoutMs: 60_000 });
		expect(again.differences).toEqual([]);
		expect((await n8nState()).Running).toBe(true);
	});

	it("the single executable runs the same recover on a bare machine: env -i PATH=/usr/bin:/bin (no Node but Debian's 20)", async () => {
		const { root, db } = stackOf();
		const before = await fingerprint(pg, db.name);
		await db.drop();
		await withRedis(env.containerRedis.port, (r) => r.flushall());
		await destroyVolume();
		const run = await runCli(['recover', '--root', root, '--docker-host', `unix://${env.dockerSocket}`, '--readiness-timeout', '60'], {
			executable: singleExecutable(),
			env: BARE_ENV,
		});
		expect(run.stderr).toMatch(/\[11\] compare workflows: done in \d+\.\d s/);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/^RTO: \d+\.\d s; 42 workflows checked/m);
		expect(await fingerprint(pg, db.name)).toEqual(before);
		await withRedis(env.containerRedis.port, async (r) => expect(await r.hgetall('n8n:hash')).toEqual({ a: '1', b: '2' }));
		expect(await volumeFile('hello.txt')).toBe('hello\n');
		expect((await n8nState()).Running).toBe(true);
	}, 240_000);

	it('the CLI: `recover --dry-run` prints the plan and each step with its time; a wrong --at is a usage error', async () => {
		const { root, db } = stackOf();
		const run = await runCli(['recover', '--root', root, '--dry-run', '--docker-host', `unix://${env.dockerSocket}`]);
		expect(run.code).toBe(0);
		expect(run.stderr).toMatch(/\[1\] plan: done in \d+\.\d s\n\s+.*recovery-plans/);
		expect(run.stderr).toMatch(new RegExp(`n8n-postgres/\\S+ -> database "${db.name}" in container ${pg.container}`));
		expect(run.stdout).toMatch(/^Dry run of .*: the sets verify; nothing was touched\./m);
		expect(run.json).toMatchObject({ dryRun: true, differences: [] });
		const wrong = await runCli(['recover', '--root', root, '--at', 'yesterday']);
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toMatch(/--at takes "latest" or a time such as/);
	});

	it("an n8n image older than the backup's database: N8N_TOO_OLD before anything is stopped or restored, naming the migration and the n8n version that made the backup", async () => {
		const { root, db } = stackOf();
		// As a backup run inside n8n 2.41.3 records it (tool.n8n; outside the checksummed artifacts).
		for (const run of readdirSync(join(root, 'n8n-postgres'))) {
			const path = join(root, 'n8n-postgres', run, 'manifest.json');
			if (!existsSync(path)) continue;
			writeFileSync(
				path,
				JSON.stringify({
					...JSON.parse(readFileSync(path, 'utf8')),
					tool: { ...JSON.parse(readFileSync(path, 'utf8')).tool, n8n: '2.41.3' },
				}),
			);
		}
		// The fixture database's last migration is AddWorkflowPublishing1760000000000.
		const older = await n8nLikeImage('older', ['1587669153312-InitialMigration', '1700000000000-AddSomethingOlder'], '1.50.0');
		const newer = await n8nLikeImage(
			'newer',
			['1587669153312-InitialMigration', '1789995003141-AddExecutionScopesToCustomRoles'],
			'2.41.3',
		);
		const docker = testDocker();
		const names = ['stack-recover-n8n-older', 'stack-recover-n8n-newer'];
		for (const [i, image] of [older, newer].entries()) {
			await docker
				.getContainer(names[i])
				.remove({ force: true })
				.catch(() => undefined);
			await docker.createContainer({ name: names[i], Image: image, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
		}
		const before = await fingerprint(pg, db.name);
		const plans: string[] = [];
		try {
			plans.push((await writeRecoveryPlan({ root, setNames: SETS, n8n: { containers: [names[1]], healthUrl: null } })).path);
			const fine = await recoverStack({ root, dryRun: true, docker: connection });
			expect(fine.steps.find((s) => s.name === 'check n8n version')!.lines).toEqual([
				`${names[1]} (${newer}, n8n 2.41.3) knows the backup's last migration AddWorkflowPublishing1760000000000`,
			]);
			plans.push((await writeRecoveryPlan({ root, setNames: SETS, n8n: { containers: [names[0]], healthUrl: null } })).path);
			const refused = recoverStack({ root, docker: connection });
			await expect(refused).rejects.toMatchObject({
				code: 'N8N_TOO_OLD',
				message: expect.stringContaining(
					`its last migration is AddWorkflowPublishing1760000000000, and that image knows only up to 1700000000000-AddSomethingOlder`,
				),
				hint: expect.stringMatching(
					/^Change the n8n image to n8n 2\.41\.3 \(the version that made the backup\) or newer.*Nothing was stopped or restored\./,
				),
			});
			await expect(refused).rejects.toMatchObject({ message: expect.stringContaining(`${older}, n8n 1.50.0`) });
			expect(await fingerprint(pg, db.name)).toEqual(before);
			expect(await loadingLeft(db.name)).toEqual([]);
		} finally {
			for (const plan of plans) rmSync(plan, { force: true });
			for (const name of names) await docker.getContainer(name).remove({ force: true });
		}
	});

	describe("an n8n that is no container: the plan's stop and start commands", () => {
		const withPlan = async <T>(hooks: { stopCommand?: string; startCommand?: string }, body: () => Promise<T>): Promise<T> => {
			const { root, readinessUrl } = stackOf();
			const { path } = await writeRecoveryPlan({ root, setNames: SETS, n8n: { containers: [], healthUrl: readinessUrl, ...hooks } });
			try {
				return await body();
			} finally {
				rmSync(path);
			}
		};

		it('run around the restores; a start command that leaves n8n running in the background does not hold the recovery', async () => {
			const { work } = stackOf();
			const log = join(work, 'hooks.log');
			const pidFile = join(work, 'background.pid');
			rmSync(log, { force: true });
			const result = await withPlan(
				{ stopCommand: `echo stopped >> ${log}`, startCommand: `sleep 300 & echo $! > ${pidFile}; echo started >> ${log}` },
				() => recoverStack({ root: stackOf().root, docker: connection, readinessTimeoutMs: 60_000 }),
			);
			const background = Number(readFileSync(pidFile, 'utf8'));
			try {
				expect(readFileSync(log, 'utf8')).toBe('stopped\nstarted\n');
				expect(result.steps.find((s) => s.name === 'stop n8n')!.lines).toEqual([`ran: echo stopped >> ${log}`]);
				expect(result.steps.find((s) => s.name === 'start n8n')!.lines[0]).toMatch(/^ran: sleep 300 &/);
				expect(result.steps.find((s) => s.name === 'plan')!.lines).toContain(`n8n's stop command: echo stopped >> ${log}`);
				expect(result.differences).toEqual([]);
				// Still running: the recovery ended when the shell did, not when the background process did.
				expect(() => process.kill(background, 0)).not.toThrow();
			} finally {
				process.kill(background, 'SIGKILL');
			}
		});

		it('a stop command that fails stops the recovery before anything is restored: PLAN_COMMAND_FAILED, with what it printed', async () => {
			const failure = await withPlan({ stopCommand: 'echo the service is masked >&2; exit 3', startCommand: 'true' }, () =>
				recoverStack({ root: stackOf().root, docker: connection }).then(
					() => undefined,
					(e: unknown) => e as { code: string; message: string; hint: string },
				),
			);
			expect(failure?.code).toBe('PLAN_COMMAND_FAILED');
			expect(failure?.message).toMatch(
				/^Recovery stopped: The plan's stop command exited with code 3: echo the service is masked .*State: n8n-postgres: untouched; n8n-redis: untouched; n8n-data: untouched; n8n-config: untouched; n8n \(by its stop command\) left stopped$/,
			);
			expect(failure?.hint).toMatch(/it printed: the service is masked/);
		});

		it('a plan that stops nothing while n8n answers its readiness URL: N8N_STILL_RUNNING, before anything is restored', async () => {
			expect((await n8nState()).Running).toBe(true);
			const failure = await withPlan({}, () =>
				recoverStack({ root: stackOf().root, docker: connection }).then(
					() => undefined,
					(e: unknown) => e as { code: string; message: string; hint: string },
				),
			);
			expect(failure?.code).toBe('N8N_STILL_RUNNING');
			expect(failure?.message).toMatch(/State: n8n-postgres: untouched; n8n-redis: untouched; n8n-data: untouched; n8n-config: untouched$/);
			expect(failure?.hint).toMatch(/Nothing was restored/);
		});

		it('a command that hangs is stopped at its limit, its whole process group killed', async () => {
			const { work } = stackOf();
			const pidFile = join(work, 'hanging.pid');
			const failure = await withPlan({ stopCommand: `echo $$ > ${pidFile}; sleep 30 & wait`, startCommand: 'true' }, () =>
				recoverStack({ root: stackOf().root, docker: connection, commandTimeoutMs: 1000 }).then(
					() => undefined,
					(e: unknown) => e as { code: string; message: string },
				),
			);
			expect(failure).toMatchObject({ code: 'PLAN_COMMAND_FAILED', message: expect.stringMatching(/did not finish within 1 s/) });
			const group = Number(readFileSync(pidFile, 'utf8'));
			// Processes of the group still alive (a killed one may linger as a zombie until reaped).
			const living = () => {
				try {
					const states = execFileSync('ps', ['-o', 'stat=', '-g', String(group)], { encoding: 'utf8' }).split('\n');
					return states.map((l) => l.trim()).filter((l) => l && !l.startsWith('Z'));
				} catch {
					return []; // ps exits 1 when the group is empty
				}
			};
			await until('the hanging command and its sleep are gone', () => expect(living()).toEqual([]), 10_000);
		});
	});

	it('no plan in the root: PLAN_NOT_FOUND, with what to do instead', async () => {
		const { root, work } = stackOf();
		await expect(recoverStack({ root: join(work, 'empty'), docker: connection })).rejects.toMatchObject({
			code: 'PLAN_NOT_FOUND',
			hint: expect.stringMatching(/restore each set on its own/),
		});
	});
});
