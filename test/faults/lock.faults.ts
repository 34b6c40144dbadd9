import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { listSets } from '../../core';
import { runCli, spawnCli, type SpawnedCli } from '../support/runCli';
import { rawClient, s3EnvVars, useTestBucket } from '../support/s3Bucket';
import { testEnv } from '../support/testEnv';
import { until } from '../support/until';
import { injectFault, recordMeasure, tryBadInput } from './support/ledger';

// One lock across machines (issue 15): the set's lock in a bucket is an object created with
// If-None-Match: *, a lease its holder renews. Two runs of one set never both write, and a
// holder that lost its lease while frozen gives up instead of sealing.
const env = testEnv();
const GATED_PG_DUMP = join(__dirname, 'support', 'gatedPgDump.mjs');
const RACES = 10;

describe('one lock across machines, on a bucket', () => {
	const bucket = useTestBucket();
	let gates: string;
	beforeAll(() => (gates = mkdtempSync(join(tmpdir(), 'lock-gates-'))));
	afterAll(() => rmSync(gates, { recursive: true, force: true }));

	const args = (prefix: string) => [
		'backup',
		'postgres',
		'--root',
		bucket.url(prefix),
		'--set',
		'n8n-postgres',
		'--url',
		`postgres://${env.hostPostgres.user}@127.0.0.1:${env.hostPostgres.port}/postgres`,
		'--pg-dump',
		GATED_PG_DUMP,
	];
	/** A run whose dump waits at `gate` until the test opens it: it holds the lock until then. */
	const gatedRun = (prefix: string, gate: string, extra: Record<string, string> = {}): SpawnedCli =>
		spawnCli(args(prefix), {
			env: { ...s3EnvVars(), PGPASSWORD: env.hostPostgres.password, STACK_TEST_PG_DUMP_GATE: join(gates, gate), ...extra },
		});
	const open = (gate: string) => writeFileSync(join(gates, gate), '');
	const completeSets = async (prefix: string) => (await listSets(bucket.place(prefix)).catch(() => [])).reduce((n, s) => n + s.complete, 0);
	const lockKey = (prefix: string) => `${prefix}/n8n-postgres/.lock`;
	const lease = async (prefix: string) => {
		const head = await rawClient().send(new HeadObjectCommand({ Bucket: bucket.name, Key: lockKey(prefix) }));
		return {
			token: JSON.parse(Buffer.from(head.Metadata!['stack-backup-lease'], 'base64url').toString()).token as string,
			renewedAt: head.LastModified!,
		};
	};

	it(`two runs of one set started together, ${RACES} times: exactly one writes, the other fails with BACKUP_LOCKED naming the holder`, async () => {
		const outcomes: string[] = [];
		for (let race = 0; race < RACES; race++) {
			const prefix = `race-${race}`;
			const gate = `race-${race}`;
			const runs = [gatedRun(prefix, gate), gatedRun(prefix, gate)];
			// The loser ends on its own; the winner waits at its gate, so it cannot finish before
			// the loser has tried the lock.
			const loser = await Promise.race(runs.map((r, i) => r.done.then((d) => ({ ...d, i }))));
			open(gate);
			const winner = await runs[1 - loser.i].done;
			expect(loser.code).toBe(1);
			expect(loser.json.error).toMatchObject({
				code: 'BACKUP_LOCKED',
				message: expect.stringMatching(/Another backup of this set is running \(pid \d+ on /),
			});
			expect(winner.code).toBe(0);
			expect(await completeSets(prefix)).toBe(1);
			expect(await bucket.keys(`${prefix}/n8n-postgres/.lock`)).toEqual([]);
			outcomes.push(`${winner.code}/${loser.json.error.code}`);
		}
		expect(outcomes).toEqual(Array(RACES).fill('0/BACKUP_LOCKED'));
		recordMeasure('lock races on a bucket (two processes, one set)', `${RACES} races, exactly one writer in each`);
	});

	it('a holder frozen (SIGSTOP) past its lease, then resumed: the next run takes the set, and the frozen one gives up without sealing', async () => {
		const prefix = 'frozen-holder';
		let frozen: SpawnedCli | undefined;
		let frozenToken = '';
		let next: Awaited<ReturnType<typeof runCli>> | undefined;
		await injectFault(
			'lock holder frozen past its lease',
			async () => {
				frozen = gatedRun(prefix, 'frozen', { STACK_BACKUP_LOCK_LEASE_SECONDS: '3' });
				await until('the first run holds the lock', async () => (frozenToken = (await lease(prefix)).token));
				process.kill(frozen.child.pid!, 'SIGSTOP');
				const stoppedAt = Date.now();
				// The lease lapses only once no renewal came for 3 s: wait for that, measured on the server's clock.
				await until('the frozen holder`s lease to lapse', async () => {
					const { renewedAt } = await lease(prefix);
					if (Date.now() - Math.max(renewedAt.getTime(), stoppedAt) < 3500) throw new Error('lease still fresh');
				});
				open('next');
				next = await runCli(args(prefix), {
					env: {
						...s3EnvVars(),
						PGPASSWORD: env.hostPostgres.password,
						STACK_TEST_PG_DUMP_GATE: join(gates, 'next'),
						STACK_BACKUP_LOCK_LEASE_SECONDS: '3',
					},
				});
				open('frozen');
				process.kill(frozen.child.pid!, 'SIGCONT');
			},
			async () => {
				expect(next!.code).toBe(0);
				expect(next!.stderr).toMatch(/Taking over the lock of .*its lease was not renewed/);
				const manifest = JSON.parse((await bucket.get(`${keyOf(next!.json.path)}/manifest.json`)).toString());
				expect(manifest.lockToken).toMatch(/^[0-9a-f]{16}$/);
				expect(manifest.lockToken).not.toBe(frozenToken);

				const resumed = await frozen!.done;
				expect(resumed.code).toBe(1);
				expect(resumed.json.error).toMatchObject({ code: 'BACKUP_LOCKED', message: expect.stringMatching(/lost|taken over/i) });
				// Only the next run's set exists; nothing of the frozen run stayed, and no lock is left.
				expect(await completeSets(prefix)).toBe(1);
				const runFolders = new Set((await bucket.keys(`${prefix}/n8n-postgres/`)).map((k) => k.split('/')[2]));
				expect([...runFolders]).toEqual([keyOf(next!.json.path).split('/')[2]]);
				expect(await bucket.keys(lockKey(prefix))).toEqual([]);
			},
		);
	});

	it('a lock object someone else wrote (not ours) is never deleted, and the run refuses with a hint', async () => {
		const prefix = 'foreign-lock';
		await tryBadInput('a foreign object at the lock key', async () => {
			await bucket.put(lockKey(prefix), 'written by another tool');
			// Older than the 1 s lease: were it ours, a dead holder's lease would be taken over.
			await until('the foreign object to be older than the lease', async () => {
				const head = await rawClient().send(new HeadObjectCommand({ Bucket: bucket.name, Key: lockKey(prefix) }));
				if (Date.now() - head.LastModified!.getTime() < 2000) throw new Error('too fresh');
			});
			open('foreign');
			const run = await runCli(args(prefix), {
				env: {
					...s3EnvVars(),
					PGPASSWORD: env.hostPostgres.password,
					STACK_TEST_PG_DUMP_GATE: join(gates, 'foreign'),
					STACK_BACKUP_LOCK_LEASE_SECONDS: '1',
				},
			});
			expect(run.json.error).toMatchObject({
				code: 'BACKUP_LOCKED',
				message: expect.stringContaining('was not written by n8n-stack-backup'),
				hint: expect.stringMatching(/left alone/),
			});
			expect((await bucket.get(lockKey(prefix))).toString()).toBe('written by another tool');
			expect(await completeSets(prefix)).toBe(0);
		});
	});

	const keyOf = (path: string) => path.slice(`s3://${bucket.name}/`.length);
});
