import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { containerPg } from './support/containerPg';
import { testEnv } from '../support/testEnv';
import { useTestBucket } from '../support/s3Bucket';
import { AlertListener } from './support/alertListener';
import { N8nInstance } from './support/n8nInstance';
import { seedN8nDataVolume } from './support/n8nDataVolume';
import { editableWorkflow, loadTemplate, nodeNamed, testCredentials, type Template } from './support/templates';
import { waitUntil } from './support/waitUntil';

// n8n's queue mode (issue 15): a main process takes webhooks and schedules, and workers that
// share no disk with it (each its own user folder, HOME, temp folder and host name) run the
// executions. Our package is installed on every process the way n8n loads it (the user
// folder's nodes directory); the backup root is the S3 bucket, the one root every worker reaches.
const env = testEnv();
const DATABASE = 'n8n_queue_e2e';
const pg = env.containerPostgres;
const GATED_PG_DUMP = join(__dirname, '..', 'faults', 'support', 'gatedPgDump.mjs');
const WORKERS = ['n8n-worker-1', 'n8n-worker-2'];

/** A workflow a webhook on main starts and a worker runs: Postgres Dump of n8n's own database into the bucket. */
function queueBackupWorkflow(bucketRoot: string) {
	return {
		id: 'sbQueueBackup001',
		name: 'Queue-mode backup (e2e)',
		nodes: [
			{
				id: 'w1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5b1f0c52-7d0e-4c55-9d59-queue0backup1',
				parameters: { httpMethod: 'POST', path: 'queue-backup', responseMode: 'lastNode', options: {} },
			},
			{
				id: 'p1',
				name: 'Postgres Dump',
				type: 'n8n-nodes-stack-backup.postgresDump',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					method: 'local',
					storage: 's3',
					bucketRoot,
					setName: 'n8n-postgres',
					format: 'plain',
					options: { pgDumpPath: GATED_PG_DUMP, allowShrink: true },
				},
				credentials: {
					stackBackupPostgresApi: { id: 'sbPostgresCred01', name: 'Stack Backup Postgres (n8n database)' },
					stackBackupS3Api: { id: 'sbS3Cred00000001', name: 'Stack Backup S3 (test gateway)' },
				},
			},
		],
		connections: { Webhook: { main: [[{ node: 'Postgres Dump', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', errorWorkflow: 'sbBackupAlert001' },
	};
}

const LOCAL_ROOT = '~/.n8n-files/backups';
const VOLUME = 'n8n_queue_data';
const EVERY_MINUTE = { interval: [{ field: 'cronExpression', expression: '* * * * *' }] };

/**
 * What a queue-mode user changes in a template: Storage S3 Bucket and the bucket in every step
 * (the one root all workers reach), set folders in that bucket, and their own volume's name.
 * The off-site copy steps stay off: there is no local set to copy.
 */
function intoBucket(bucketRoot: string) {
	return (template: Template) => {
		for (const node of template.nodes) {
			const p = node.parameters;
			if (node.type === 'n8n-nodes-base.set') {
				for (const a of p.assignments.assignments) if (typeof a.value === 'string') a.value = a.value.replace(LOCAL_ROOT, bucketRoot);
			}
			if (!node.type.startsWith('n8n-nodes-stack-backup.') || node.disabled) continue;
			p.storage = 's3';
			if ('backupRoot' in p) {
				delete p.backupRoot;
				p.bucketRoot = bucketRoot;
			}
			if (typeof p.setFolders === 'string') p.setFolders = p.setFolders.replaceAll(LOCAL_ROOT, bucketRoot);
			if (p.volumeName === 'n8n_data') p.volumeName = VOLUME;
		}
	};
}

/** The items a node put out in a finished execution (public API, includeData). */
function itemsOf(execution: unknown, node: string): unknown[] {
	const runData = (
		execution as { data: { resultData: { runData: Record<string, Array<{ data: { main: Array<Array<{ json: unknown }>> } }>> } } }
	).data.resultData.runData;
	return runData[node][0].data.main[0].map((item) => item.json);
}

describe('n8n 2.41 in queue mode: a main and two workers that share no disk, the backup root in a bucket', () => {
	const bucket = useTestBucket();
	const alerts = new AlertListener();
	const queue = { redisHost: '127.0.0.1', redisPort: env.hostRedis.port, prefix: `stackq${process.pid}` };
	const postgres = { host: '127.0.0.1', port: pg.port, database: DATABASE, user: pg.user, password: pg.password };
	let main: N8nInstance;
	let workers: N8nInstance[];
	let gates: string;
	let removeN8nContainer: (() => Promise<void>) | undefined;
	const stackRoot = bucket.url('stack');
	const gate = () => join(gates, 'open');
	const webhook = () =>
		fetch(`${main.url}/webhook/queue-backup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

	beforeAll(async () => {
		await containerPg((c) =>
			c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).then(() => c.query(`CREATE DATABASE ${DATABASE}`)),
		);
		main = new N8nInstance({ name: 'queue-main', port: 5701, postgres, queue });
		gates = join(main.userFolder, 'gates');
		mkdirSync(gates);
		// The gated pg_dump holds a run's lock until the test opens the gate: the race below is decided by the lock alone.
		const workerEnv = { STACK_TEST_PG_DUMP_GATE: gate() };
		workers = WORKERS.map(
			(name, i) =>
				new N8nInstance({
					name: `queue-${name}`,
					port: 5711 + 10 * i,
					postgres,
					queue,
					role: 'worker',
					hostname: name,
					env: workerEnv,
					concurrency: 1,
				}),
		);
		// Each worker has the stack's config files where its Config Files step reads them (a bind mount in Compose).
		for (const worker of workers) {
			mkdirSync(join(worker.userFolder, '.n8n-files', 'stack'), { recursive: true });
			writeFileSync(join(worker.userFolder, '.n8n-files', 'stack', '.env'), 'N8N_ENCRYPTION_KEY=stack-backup-e2e-encryption-key-0001\n');
		}
		const alertUrl = await alerts.start();
		await main.importJson('credentials', testCredentials(DATABASE));
		const alert = loadTemplate('backup-failed-alert.json');
		nodeNamed(alert, 'Send to Webhook').parameters.url = alertUrl;
		await main.importJson('workflow', alert);
		await main.importJson('workflow', queueBackupWorkflow(bucket.url('n8n')));
		// The Compose templates as a queue-mode user sets them up; the schedules fire every minute
		// once published, so the test need not wait for 02:00 on a Sunday.
		const nightly = loadTemplate('nightly-backup-compose.json', intoBucket(stackRoot));
		nodeNamed(nightly, 'Every Night at 02:00').parameters.rule = EVERY_MINUTE;
		const drill = loadTemplate('weekly-restore-drill.json', intoBucket(stackRoot));
		nodeNamed(drill, 'Every Sunday at 03:00').parameters.rule = EVERY_MINUTE;
		for (const template of [nightly, drill, loadTemplate('restore-one-workflow.json', intoBucket(stackRoot))])
			await main.importJson('workflow', template);
		removeN8nContainer = await seedN8nDataVolume(VOLUME, 'n8n-queue-e2e');
		for (const id of ['sbBackupAlert001', 'sbQueueBackup001']) await main.cliOk(['publish:workflow', `--id=${id}`]);
		await main.start();
		await Promise.all(workers.map((w) => w.start()));
		await main.signIn();
	});

	afterAll(async () => {
		await Promise.all([main, ...(workers ?? [])].map((p) => p?.stop()));
		await alerts.stop();
		await removeN8nContainer?.();
		rmSync(gates, { recursive: true, force: true });
	});

	const manifestOf = async (path: string) =>
		JSON.parse((await bucket.get(`${path.slice(`s3://${bucket.name}/`.length)}/manifest.json`)).toString()) as {
			host: string;
			pid: number;
			lockToken: string;
		};

	it('a webhook on main runs the backup on a worker: the set is in the bucket, and its manifest names the worker that made it', async () => {
		writeFileSync(gate(), '');
		const response = await webhook();
		const body = (await response.json()) as { path?: string; set?: string };
		expect(response.status).toBe(200);
		expect(body.path).toMatch(new RegExp(`^s3://${bucket.name}/n8n/n8n-postgres/`));
		const manifest = await manifestOf(body.path!);
		expect(WORKERS).toContain(manifest.host);
		expect(manifest.host).not.toBe(hostname());
		// The main process never ran it: its own folder holds no set either.
		process.stdout.write(`queue mode: the webhook's backup ran on ${manifest.host} (pid ${manifest.pid})\n`);
	});

	it('two executions of the set at once: exactly one writes, the other fails with BACKUP_LOCKED naming the holder, and the alert workflow reports it', async () => {
		rmSync(gate(), { force: true });
		const before = (await bucket.keys('n8n/n8n-postgres/')).filter((k) => k.endsWith('/manifest.json')).length;
		const responses = [webhook(), webhook()];
		// One execution at a time per worker: while the winner holds worker and lock (it waits at the
		// gate), the other execution can only run on the other worker. The loser answers first, so the
		// winner cannot finish before the loser tried.
		const first = await Promise.race(responses.map((r, i) => r.then((res) => ({ res, i }))));
		writeFileSync(gate(), '');
		const second = await responses[1 - first.i];
		expect(first.res.status).toBe(500);
		expect(second.status).toBe(200);
		const winner = (await second.json()) as { path: string };
		const after = (await bucket.keys('n8n/n8n-postgres/')).filter((k) => k.endsWith('/manifest.json')).length;
		expect(after).toBe(before + 1);
		const made = await manifestOf(winner.path);
		expect(WORKERS).toContain(made.host);

		const alert = await alerts.waitFor((b) => b.workflowId === 'sbQueueBackup001', 120_000);
		expect(alert).toMatchObject({ step: 'Postgres Dump' });
		expect(alert.error).toMatch(/\[BACKUP_LOCKED\]/);
		expect(alert.error).toMatch(new RegExp(`pid ${made.pid} on ${made.host}`));
		// Refused on the other worker: two workers raced for the set.
		const refusedOn = /refused here, pid \d+ on (\S+?)\)? \[BACKUP_LOCKED\]/.exec(String(alert.error))?.[1];
		expect(WORKERS.filter((w) => w !== made.host)).toEqual([refusedOn]);
		process.stdout.write(
			`queue mode: the race's winner ran on ${made.host}, the loser on ${refusedOn}; its alert: ${String(alert.error)}\n`,
		);
	});

	/** The worker whose log says it ran the execution: the main only enqueues it. */
	const workerThatRan = (executionId: string) =>
		workers.find((w) => new RegExp(`Worker started execution ${executionId} `).test(w.serverLog()))?.options.hostname;

	/** Executions of a workflow: the running ones (the list leaves them out unless asked) and the others. */
	const executionsOf = async (workflowId: string) => {
		type Listed = { data: Array<{ id: string; mode: string; status: string }> };
		const running = await main.api<Listed>('GET', `/executions?workflowId=${workflowId}&status=running`);
		const others = await main.api<Listed>('GET', `/executions?workflowId=${workflowId}`);
		return [...running.data, ...others.data];
	};

	/**
	 * Publishes a workflow whose schedule fires every minute, takes its first execution, and
	 * unpublishes it at once, so that no second run overlaps the first (it would meet the lock).
	 */
	async function firedBySchedule(workflowId: string): Promise<string> {
		await main.api('POST', `/workflows/${workflowId}/activate`, {});
		try {
			const first = await waitUntil(
				`a scheduled execution of ${workflowId}`,
				async () => (await executionsOf(workflowId)).find((e) => e.mode === 'trigger'),
				150_000,
			);
			return first.id;
		} finally {
			await main.api('POST', `/workflows/${workflowId}/deactivate`, {});
		}
	}

	const finished = (id: string) =>
		waitUntil(
			`execution ${id} to finish`,
			async () => {
				const e = await main.api<{ id: string; status: string; finished: boolean }>('GET', `/executions/${id}?includeData=true`);
				return ['success', 'error', 'crashed', 'canceled'].includes(e.status) ? e : undefined;
			},
			300_000,
		);

	it('the Compose nightly template, fired by its schedule on main, runs on a worker and writes its four sets into the bucket, with the report', async () => {
		const executionId = await firedBySchedule('sbNightlyCompose');
		const done = await finished(executionId);
		expect(done.status).toBe('success');
		const ranOn = workerThatRan(executionId);
		expect(WORKERS).toContain(ranOn);
		const keys = await bucket.keys('stack/');
		for (const set of ['n8n-postgres', 'n8n-redis', 'n8n-data', 'n8n-config']) {
			const manifests = keys.filter((k) => k.startsWith(`stack/${set}/`) && k.endsWith('/manifest.json'));
			expect(manifests).toHaveLength(1);
			const manifest = JSON.parse((await bucket.get(manifests[0])).toString()) as { set: string; host: string; pid: number };
			expect(manifest).toMatchObject({ set, host: ranOn });
		}
		const report = JSON.parse((await bucket.get('stack/backup_report.json')).toString()) as { sets: Array<{ set: string; path: string }> };
		expect(report.sets.map((s) => s.set)).toEqual(['n8n-postgres', 'n8n-redis', 'n8n-data', 'n8n-config']);
		expect(report.sets.every((s) => s.path.startsWith(`${stackRoot}/`))).toBe(true);
		process.stdout.write(`queue mode: the nightly template (execution ${executionId}, fired by the schedule on main) ran on ${ranOn}\n`);
	});

	it('the weekly drill template, fired by its schedule, runs on a worker and passes on the sets in the bucket', async () => {
		const executionId = await firedBySchedule('sbWeeklyDrill001');
		const done = await finished(executionId);
		expect(done.status).toBe('success');
		const ranOn = workerThatRan(executionId);
		expect(WORKERS).toContain(ranOn);
		const verdicts = itemsOf(done, 'Restore Drill') as Array<{ set: string; verdict: string; path: string }>;
		expect(verdicts.map((v) => [v.set, v.verdict])).toEqual([
			['n8n-postgres', 'pass'],
			['n8n-redis', 'pass'],
			['n8n-data', 'pass'],
			['n8n-config', 'pass'],
		]);
		expect(verdicts.every((v) => v.path.startsWith(`${stackRoot}/`))).toBe(true);
		process.stdout.write(`queue mode: the weekly drill (execution ${executionId}) ran on ${ranOn}: 4 of 4 sets pass\n`);
	});

	it('the restore-one-workflow template, run from the editor, runs on a worker and creates the chosen workflow from the bucket', async () => {
		const { id: apiKeyCredential } = await main.api('POST', '/credentials', {
			name: 'This n8n (API key)',
			type: 'n8nApi',
			data: { apiKey: main.apiKey, baseUrl: `${main.url}/api/v1` },
		});
		const template = loadTemplate('restore-one-workflow.json', intoBucket(stackRoot));
		const choose = nodeNamed(template, 'Choose').parameters.assignments.assignments;
		choose.find((a: { name: string }) => a.name === 'workflow').value = 'Queue-mode backup (e2e)';
		nodeNamed(template, 'Create in This n8n').credentials = { n8nApi: { id: apiKeyCredential, name: 'This n8n (API key)' } };
		await main.api('PUT', '/workflows/sbRestoreOneWf01', editableWorkflow(template));
		const executionId = await main.runFromEditor('sbRestoreOneWf01', 'Run Now');
		const done = await finished(executionId);
		expect(done.status).toBe('success');
		const ranOn = workerThatRan(executionId);
		expect(WORKERS).toContain(ranOn);
		const all = await main.api<{ data: Array<{ name: string; id: string }> }>('GET', '/workflows?limit=250');
		const restored = all.data.find((w) => /^Queue-mode backup \(e2e\) \(restored \d{4}-\d{2}-\d{2}\)$/.test(w.name));
		expect(restored).toBeDefined();
		expect(restored!.id).not.toBe('sbQueueBackup001');
		process.stdout.write(`queue mode: restore-one-workflow (execution ${executionId}) ran on ${ranOn} and created "${restored!.name}"\n`);
	});

	it('a worker without the package: the execution fails with n8n\'s own "Unrecognized node type" message (the README\'s queue section says how to fix it)', async () => {
		await Promise.all(workers.map((w) => w.stop()));
		const bare = new N8nInstance({
			name: 'queue-bare-worker',
			port: 5741,
			postgres,
			queue,
			role: 'worker',
			hostname: 'n8n-worker-bare',
			installPackage: false,
		});
		workers.push(bare);
		await bare.start();
		writeFileSync(gate(), '');
		const response = await webhook();
		expect(response.status).not.toBe(200);
		const failed = await main.api<{ data: Array<{ id: string; status: string }> }>(
			'GET',
			'/executions?workflowId=sbQueueBackup001&status=error&limit=5',
		);
		const details = await Promise.all(failed.data.map((e) => main.api('GET', `/executions/${e.id}?includeData=true`)));
		expect(JSON.stringify(details)).toContain('Unrecognized node type: n8n-nodes-stack-backup.postgresDump');
	});
});
