import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { containerPg } from './support/containerPg';
import { readManifest, readRecoveryPlan, verifySet } from '../../core';
import { runRestoreDrill } from '../../core';
import { seedRedis, withRedis } from '../support/redisFixtures';
import { testDocker } from '../support/dockerFixtures';
import { volumeFile } from '../support/recoverableStack';
import { runCli } from '../support/runCli';
import { n8nServiceHooks } from './support/n8nServiceHooks';
import { testEnv } from '../support/testEnv';
import { AlertListener } from './support/alertListener';
import { seedN8nDataVolume } from './support/n8nDataVolume';
import { N8nInstance } from './support/n8nInstance';
import { editableWorkflow, loadTemplate, nodeNamed, templateFiles, testCredentials, type Template } from './support/templates';
import { waitUntil } from './support/waitUntil';
import { launchChromium } from './support/editorBrowser';
import { BackupBrowserForm } from './support/backupBrowserForm';
import { exportAll, importIntoFreshN8n, nodesAndConnections } from './support/freshImport';
import { rcloneEnv, useTestBucket } from '../support/s3Bucket';
import { writeSyntheticSet } from '../support/syntheticSets';
import { tmpdir } from 'node:os';

const env = testEnv();
const DATABASE = 'n8n_e2e';
const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'n8n-stack-backup.js');
const pg = env.containerPostgres;

const runFolders = (root: string, set: string) =>
	existsSync(join(root, set))
		? readdirSync(join(root, set))
				.filter((n) => /^\d{4}-/.test(n))
				.sort()
		: [];

/** What a user does to turn on the off-site steps: the bucket in each, then enable them. */
function sendOffSite(template: Template, bucketRoot: string): void {
	for (const node of template.nodes) {
		if (node.type === 'n8n-nodes-stack-backup.offsiteCopy' || node.parameters.storage === 's3') {
			node.parameters.bucketRoot = bucketRoot;
			node.disabled = false;
		}
	}
}

describe('the user journey in a real n8n 2.41 on Postgres (Docker Compose stack templates)', () => {
	const bucket = useTestBucket();
	let n8n: N8nInstance;
	const alerts = new AlertListener();
	let root: string;
	let apiCredentialId = '';
	let apiWorkflowId = '';
	let removeN8nContainer: (() => Promise<void>) | undefined;
	let hooks: ReturnType<typeof n8nServiceHooks>;

	beforeAll(async () => {
		await containerPg((c) =>
			c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).then(() => c.query(`CREATE DATABASE ${DATABASE}`)),
		);
		removeN8nContainer = await seedN8nDataVolume('n8n_data', 'n8n-e2e');
		await seedRedis(env.containerRedis.port);
		// The bucket already holds 20 older nightly Postgres sets (copied there by rclone, as a user
		// moving to off-site would), and objects that are not ours.
		const older = join(tmpdir(), `e2e-offsite-${process.pid}`);
		for (let d = 1; d <= 20; d++) writeSyntheticSet(older, 'n8n-postgres', new Date(Date.UTC(2026, 9, d, 2, 0, 0)));
		execFileSync('rclone', ['copy', older, `test:${bucket.name}/n8n`], { env: rcloneEnv(), stdio: 'pipe' });
		await bucket.put('n8n/n8n-postgres/README.txt', 'a note someone left beside the sets');
		await bucket.put('n8n/unrelated.txt', 'not ours');
		await bucket.put('other-app/data.bin', 'another prefix');

		n8n = new N8nInstance({
			name: 'compose',
			port: 5691,
			postgres: { host: '127.0.0.1', port: pg.port, database: DATABASE, user: pg.user, password: pg.password },
		});
		root = join(n8n.userFolder, '.n8n-files', 'backups');
		hooks = n8nServiceHooks(n8n);
		mkdirSync(join(n8n.userFolder, '.n8n-files', 'stack'), { recursive: true });
		writeFileSync(
			join(n8n.userFolder, '.n8n-files', 'stack', '.env'),
			'N8N_ENCRYPTION_KEY=stack-backup-e2e-encryption-key-0001\nPOSTGRES_PASSWORD=secret\n',
		);
		writeFileSync(join(n8n.userFolder, '.n8n-files', 'stack', 'docker-compose.yml'), 'services:\n  n8n:\n    image: n8nio/n8n\n');

		const alertUrl = await alerts.start();
		await n8n.importJson('credentials', [
			...testCredentials(DATABASE),
			{
				id: 'sbBrokenDocker01',
				name: 'Broken Docker Engine',
				type: 'stackBackupDockerApi',
				data: { connection: 'socket', socketPath: '/tmp/stack-backup-e2e/no-such-docker.sock' },
			},
		]);
		for (const file of templateFiles()) {
			const template = loadTemplate(file);
			// The alert channel is the one setting a user gives besides credentials: their webhook URL.
			if (template.id === 'sbBackupAlert001') nodeNamed(template, 'Send to Webhook').parameters.url = alertUrl;
			if (template.id === 'sbNightlyCompose') asTheUserSetIt(template);
			await n8n.importJson('workflow', template);
		}
		// A copy of the nightly backup whose Docker credential points at a socket that is not there, firing every minute.
		const broken = loadTemplate('nightly-backup-compose.json');
		broken.id = 'sbBrokenNightly1';
		broken.name = 'Broken nightly (e2e)';
		nodeNamed(broken, 'Postgres Dump').credentials!.stackBackupDockerApi = { id: 'sbBrokenDocker01', name: 'Broken Docker Engine' };
		nodeNamed(broken, 'Postgres Dump').parameters.setName = 'broken-postgres';
		nodeNamed(broken, 'Every Night at 02:00').parameters.rule = { interval: [{ field: 'cronExpression', expression: '* * * * *' }] };
		await n8n.importJson('workflow', broken);
		for (const id of ['sbBackupAlert001', 'sbNightlyCompose']) await n8n.cliOk(['publish:workflow', `--id=${id}`]);

		await n8n.start();
		await n8n.signIn();
		// A real credential and workflow, made through the public API, that the disaster recovery must bring back.
		apiCredentialId = (
			await n8n.api('POST', '/credentials', {
				name: 'Made through the API',
				type: 'stackBackupPostgresApi',
				data: testCredentials(DATABASE)[0].data,
			})
		).id;
		apiWorkflowId = (
			await n8n.api('POST', '/workflows', {
				name: 'Made through the API',
				nodes: [{ id: 'a', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
				connections: {},
				settings: { executionOrder: 'v1' },
			})
		).id;
	});

	/** The Compose nightly template with what this user changed: off-site on, and n8n's stop and start commands. */
	function asTheUserSetIt(template: Template): Template {
		sendOffSite(template, bucket.url('n8n'));
		// n8n here is a process, not a container: the plan stops and starts it with commands.
		Object.assign(nodeNamed(template, 'Run Report').parameters, {
			n8nContainers: '',
			n8nHealthUrl: `${n8n.url}/healthz/readiness`,
			n8nStopCommand: hooks.stopCommand,
			n8nStartCommand: hooks.startCommand,
		});
		return template;
	}

	afterAll(async () => {
		await n8n?.stop();
		hooks?.kill();
		await alerts.stop();
		await removeN8nContainer?.();
	});

	it('loads the package: every node type is served by n8n', async () => {
		const types = await n8n.editorGet('/types/nodes.json');
		for (const name of ['postgresDump', 'redisSnapshot', 'volumeArchive', 'retentionPrune', 'restore', 'backupReport', 'offsiteCopy']) {
			expect(types).toContain(`"n8n-nodes-stack-backup.${name}"`);
		}
	});

	it('the nightly template (n8n execute) writes four complete sets whose manifests verify, pruned, with a report', async () => {
		await n8n.cliOk(['execute', '--id=sbNightlyCompose'], 300_000);
		for (const set of ['n8n-postgres', 'n8n-redis', 'n8n-data', 'n8n-config']) {
			const verified = await verifySet(join(root, set));
			expect(verified.manifest.set).toBe(set);
		}
		const pgManifest = await readManifest((await verifySet(join(root, 'n8n-postgres'))).dir);
		const workflows = (pgManifest.inventory.postgres as { n8n: { workflows: Array<{ id: string }> } }).n8n.workflows.map((w) => w.id);
		expect(workflows).toEqual(expect.arrayContaining(['sbNightlyCompose', 'sbBackupAlert001', apiWorkflowId]));
		const report = JSON.parse(readFileSync(join(root, 'backup_report.json'), 'utf8'));
		expect(report.sets.map((s: { set: string }) => s.set)).toEqual(['n8n-postgres', 'n8n-redis', 'n8n-data', 'n8n-config']);
		expect(report.sets.every((s: { path: string | null }) => s.path)).toBe(true);
		const data = await readManifest((await verifySet(join(root, 'n8n-data'))).dir);
		expect(data.inventory.volume).toMatchObject({ n8n: { encryptionKeyFingerprint: expect.any(String) } });
		// Run Report wrote tonight's recovery plan: each set, where it goes back to, and n8n's container.
		const { plan } = await readRecoveryPlan(root);
		expect(plan.sets.map((s) => [s.set, s.target.kind])).toEqual([
			['n8n-postgres', 'postgres'],
			['n8n-redis', 'redis'],
			['n8n-data', 'volume'],
			['n8n-config', 'files'],
		]);
		expect(plan.sets[0].target).toMatchObject({ container: 'postgres', database: DATABASE });
		// The n8n the backup ran in, read from its own package: a recovery names it if an older one would start.
		expect(plan.sets[0].n8nVersion).toBe('2.41.3');
		expect(plan.n8n).toEqual({
			containers: [],
			healthUrl: `${n8n.url}/healthz/readiness`,
			stopCommand: hooks.stopCommand,
			startCommand: hooks.startCommand,
		});
	});

	it("the Postgres set's workflows.json imports unedited into a fresh n8n on SQLite: every workflow's nodes and connections as backed up", async () => {
		const run = join(root, 'n8n-postgres', runFolders(root, 'n8n-postgres').pop()!);
		const backedUp = await exportAll(n8n);
		const imported = await importIntoFreshN8n(join(run, 'workflows.json'), { name: 'fresh-sqlite', port: 5699 });
		expect(imported.length).toBe(backedUp.length);
		expect(nodesAndConnections(imported)).toEqual(nodesAndConnections(backedUp));
	});

	it('the nightly template also copied the four sets off-site, manifests last, and pruned the bucket by its own policy; foreign objects are untouched (rclone listing)', async () => {
		const listing = execFileSync('rclone', ['lsf', '-R', '--files-only', '--format', 'tsp', '--separator', '  ', `test:${bucket.name}`], {
			env: rcloneEnv(),
			encoding: 'utf8',
		});
		mkdirSync(join(__dirname, '..', '..', 'test-output', 'offsite'), { recursive: true });
		writeFileSync(join(__dirname, '..', '..', 'test-output', 'offsite', 'rclone-listing.txt'), listing);
		const rows = listing
			.trim()
			.split('\n')
			.map((line) => {
				const [time, size, path] = line.split('  ');
				return { time, size: Number(size), path };
			});
		for (const set of ['n8n-postgres', 'n8n-redis', 'n8n-data', 'n8n-config']) {
			const local = runFolders(root, set);
			const newest = local[local.length - 1];
			const inRun = rows.filter((r) => r.path.startsWith(`n8n/${set}/${newest}/`));
			const manifest = inRun.find((r) => r.path.endsWith('/manifest.json'))!;
			expect(manifest).toBeDefined();
			// Written last: no artifact of the run is newer than its manifest.
			for (const r of inRun) expect(r.time <= manifest.time).toBe(true);
			expect(inRun.length).toBeGreaterThanOrEqual(2);
		}
		// 20 older sets + tonight's: 14 daily kept (tonight's and the 13 newest of October); 12 monthly adds none.
		const postgresRuns = new Set(rows.filter((r) => /^n8n\/n8n-postgres\/\d{4}-/.test(r.path)).map((r) => r.path.split('/')[2]));
		expect(postgresRuns.size).toBe(14);
		expect([...postgresRuns].filter((run) => run.startsWith('2026-10-')).sort()[0]).toBe('2026-10-08T02-00-00.000Z');
		for (const foreign of ['n8n/n8n-postgres/README.txt', 'n8n/unrelated.txt', 'other-app/data.bin']) {
			expect(rows.map((r) => r.path)).toContain(foreign);
		}
	});

	it('the weekly drill template passes on those sets', async () => {
		const run = await n8n.cli(['execute', '--id=sbWeeklyDrill001'], 300_000);
		expect(run.code).toBe(0);
		expect(run.stdout + run.stderr).not.toMatch(/DRILL_FAILED/);
		// The same sets, drilled by the core directly, pass too (the verdicts the template produced).
		const verdict = await runRestoreDrill({ setPath: join(root, 'n8n-data') });
		expect(verdict.verdict).toBe('pass');
	});

	it('the restore-one-workflow template creates the chosen workflow in n8n', async () => {
		const { id: apiKeyCredential } = await n8n.api('POST', '/credentials', {
			name: 'This n8n (API key)',
			type: 'n8nApi',
			data: { apiKey: n8n.apiKey, baseUrl: `${n8n.url}/api/v1` },
		});
		const template = loadTemplate('restore-one-workflow.json');
		const choose = nodeNamed(template, 'Choose').parameters.assignments.assignments;
		choose.find((a: { name: string }) => a.name === 'workflow').value = 'Made through the API';
		nodeNamed(template, 'Create in This n8n').credentials = { n8nApi: { id: apiKeyCredential, name: 'This n8n (API key)' } };
		await n8n.api('PUT', '/workflows/sbRestoreOneWf01', editableWorkflow(template));
		const run = await n8n.cli(['execute', '--id=sbRestoreOneWf01'], 300_000);
		expect(run.code).toBe(0);
		const all = await n8n.api<{ data: Array<{ name: string; id: string }> }>('GET', '/workflows?limit=250');
		const restored = all.data.find((w) => /^Made through the API \(restored \d{4}-\d{2}-\d{2}\)$/.test(w.name));
		expect(restored).toBeDefined();
		expect(restored!.id).not.toBe(apiWorkflowId);
	});

	it('a changed schedule (saved through the API, as the editor does) changes when the backup fires', async () => {
		// Retention keeps one set a day, so the scheduled run shows as a new newest run folder, not as one more folder.
		const before = runFolders(root, 'n8n-postgres').pop();
		const template = asTheUserSetIt(loadTemplate('nightly-backup-compose.json'));
		nodeNamed(template, 'Every Night at 02:00').parameters.rule = { interval: [{ field: 'cronExpression', expression: '* * * * *' }] };
		await n8n.api('PUT', '/workflows/sbNightlyCompose', editableWorkflow(template));
		const scheduled = await waitUntil('a scheduled nightly run', () => newestCompleteRun(root, 'n8n-postgres', before), 150_000);
		expect((await verifySet(join(root, 'n8n-postgres', scheduled))).manifest.set).toBe('n8n-postgres');
		// It was the schedule: a finished execution in trigger mode (the other backup steps finish after the dump).
		const triggered = await waitUntil(
			'the scheduled execution to finish',
			async () =>
				(await n8n.api<{ data: Array<{ mode: string; status: string }> }>('GET', '/executions?workflowId=sbNightlyCompose')).data.find(
					(e) => e.mode === 'trigger',
				),
			120_000,
		);
		expect(triggered.status).toBe('success');
		// Back to 02:00, so it stops firing every minute.
		await n8n.api('PUT', '/workflows/sbNightlyCompose', editableWorkflow(asTheUserSetIt(loadTemplate('nightly-backup-compose.json'))));
	});

	it("the Backup Browser form in Chromium: a run picked, two workflows restored as copies with their nodes, one downloaded as JSON, the run pinned and kept by the nightly's prune", async () => {
		const login = { username: 'browser', password: 'Browser-form-pass-1' };
		const basic = await n8n.api('POST', '/credentials', {
			name: 'Backup Browser login',
			type: 'httpBasicAuth',
			data: { user: login.username, password: login.password },
		});
		const api = await n8n.api('POST', '/credentials', {
			name: 'This n8n (browser)',
			type: 'n8nApi',
			data: { apiKey: n8n.apiKey, baseUrl: `${n8n.url}/api/v1` },
		});
		const template = loadTemplate('backup-browser.json');
		nodeNamed(template, 'Backup Browser').credentials = { httpBasicAuth: { id: basic.id, name: 'Backup Browser login' } };
		for (const name of ['Running Workflows', 'Create in This n8n'])
			nodeNamed(template, name).credentials = { n8nApi: { id: api.id, name: 'This n8n (browser)' } };
		nodeNamed(template, 'Settings').parameters.assignments.assignments.find((a: { name: string }) => a.name === 'editorUrl').value =
			n8n.url;
		await n8n.api('PUT', '/workflows/sbBackupBrowser1', editableWorkflow(template));
		await n8n.api('POST', '/workflows/sbBackupBrowser1/activate', {});
		const [pinnedRun] = runFolders(root, 'n8n-postgres').slice(-1);
		const original = await n8n.api<{ data: Array<{ id: string; name: string; nodes: unknown[]; connections: unknown }> }>(
			'GET',
			'/workflows?limit=250',
		);
		const wanted = ['Made through the API', 'Stack Backup: weekly restore drill'].map(
			(name) => original.data.find((w) => w.name === name)!,
		);

		const browser = await launchChromium();
		try {
			const form = await BackupBrowserForm.open(browser, `${n8n.url}/form/stack-backup-browser`, login);
			await form.page1('n8n-postgres');
			const runLabel = await form.page2FirstRun();
			expect(runLabel).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC · .* · \d+ workflows · (drill PASS|never drilled)/);
			await form.page3(
				wanted.map((w) => w.name),
				'Restore as copies into this n8n',
			);
			const links = await form.completion('4-restored');
			expect(links).toHaveLength(2);
			const after = await n8n.api<{ data: Array<{ id: string; name: string; active: boolean; nodes: unknown[]; connections: unknown }> }>(
				'GET',
				'/workflows?limit=250',
			);
			for (const w of wanted) {
				// New since the form ran (restore-one-workflow made an earlier copy of one of them).
				const copy = after.data.find(
					(c) =>
						!original.data.some((o) => o.id === c.id) &&
						c.name.startsWith(`${w.name} (restored `) &&
						/\(restored \d{4}-\d{2}-\d{2}\)$/.test(c.name),
				)!;
				expect(copy).toBeDefined();
				expect(copy.id).not.toBe(w.id);
				expect(copy.active).toBe(false);
				expect(copy.nodes).toEqual(w.nodes);
				expect(copy.connections).toEqual(w.connections);
				expect(links).toContain(`${n8n.url}/workflow/${copy.id}`);
			}

			const download = await BackupBrowserForm.open(browser, `${n8n.url}/form/stack-backup-browser`, login, 'download');
			await download.page1('n8n-postgres');
			await download.page2FirstRun();
			const file = await download.page3Download([wanted[0].name]);
			const exported = JSON.parse(readFileSync(file, 'utf8'));
			expect(exported).toEqual([
				expect.objectContaining({ id: wanted[0].id, name: wanted[0].name, nodes: wanted[0].nodes, connections: wanted[0].connections }),
			]);

			const pin = await BackupBrowserForm.open(browser, `${n8n.url}/form/stack-backup-browser`, login, 'pin');
			await pin.page1('n8n-postgres');
			await pin.page2FirstRun();
			await pin.page3([], 'Pin this run', 'before the 2.42 upgrade');
			await pin.completion('4-pinned');
		} finally {
			await browser.close();
		}
		await n8n.api('POST', '/workflows/sbBackupBrowser1/deactivate', {});
		expect(JSON.parse(readFileSync(join(root, 'n8n-postgres', pinnedRun, 'pin.json'), 'utf8'))).toMatchObject({
			reason: 'before the 2.42 upgrade',
		});
		// Tonight's run: its prune keeps one set a day, and would take the pinned run of today.
		const run = await n8n.cli(['execute', '--id=sbNightlyCompose'], 300_000);
		expect(run.code).toBe(0);
		expect(runFolders(root, 'n8n-postgres')).toEqual(expect.arrayContaining([pinnedRun]));
		expect(runFolders(root, 'n8n-postgres').length).toBeGreaterThan(1);
	});

	it('a broken credential makes the published alert workflow send the failing step, the error and its hint', async () => {
		await n8n.api('POST', '/workflows/sbBrokenNightly1/activate', {});
		const alert = await alerts.waitFor((b) => b.workflowId === 'sbBrokenNightly1', 150_000);
		await n8n.api('POST', '/workflows/sbBrokenNightly1/deactivate', {});
		expect(alert).toMatchObject({ workflow: 'Broken nightly (e2e)', step: 'Postgres Dump', mode: 'trigger' });
		expect(alert.error).toMatch(/\[DOCKER_UNREACHABLE\]/);
		expect(alert.hint).toMatch(/Mount the Docker socket/);
		expect(alert.text).toMatch(/^Backup failed in "Broken nightly \(e2e\)" at step "Postgres Dump": .*Hint: Mount the Docker socket/);
		expect(alert.executionUrl).toMatch(new RegExp(`^${n8n.url}/workflow/sbBrokenNightly1/executions/\\d+`));
		expect(JSON.stringify(alert)).not.toContain(env.containerPostgres.password);
	});

	it('the watchdog passes while sets are fresh and drilled; it alerts under n8n start when no drill passed in 8 days (a failed drill is kept as a fail), then once the newest set is made old', async () => {
		// Today's runs replaced the ones drilled this morning (one set a day is kept): drill again, as Sunday's drill would.
		await n8n.cliOk(['execute', '--id=sbWeeklyDrill001'], 300_000);
		expect((await n8n.cli(['execute', '--id=sbWatchdog000001'])).code).toBe(0);

		// Every pass of n8n-postgres made 9 days old, then a drill that fails (its scratch server is not there).
		const drillFiles = runFolders(root, 'n8n-postgres').flatMap((run) =>
			existsSync(join(root, 'n8n-postgres', run, 'drills'))
				? readdirSync(join(root, 'n8n-postgres', run, 'drills')).map((f) => join(root, 'n8n-postgres', run, 'drills', f))
				: [],
		);
		expect(drillFiles.length).toBeGreaterThan(0);
		const nineDaysAgo = new Date(Date.now() - 9 * 86_400_000).toISOString();
		for (const file of drillFiles) writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), at: nineDaysAgo }));
		const newest = join(root, 'n8n-postgres', runFolders(root, 'n8n-postgres').pop()!);
		const failed = await runCli(['verify', newest, '--drill', '--url', 'postgres://nobody@127.0.0.1:9']);
		expect(failed.json).toMatchObject({ verdict: 'fail' });
		const kept = readdirSync(join(newest, 'drills')).map((f) => JSON.parse(readFileSync(join(newest, 'drills', f), 'utf8')));
		expect(kept).toContainEqual(expect.objectContaining({ verdict: 'fail', differences: [expect.stringMatching(/PG_UNREACHABLE/)] }));
		const drillRule = loadTemplate('backup-watchdog.json');
		nodeNamed(drillRule, 'Every Hour').parameters.rule = { interval: [{ field: 'cronExpression', expression: '* * * * *' }] };
		await n8n.api('PUT', '/workflows/sbWatchdog000001', editableWorkflow(drillRule));
		await n8n.api('POST', '/workflows/sbWatchdog000001/activate', {});
		const drillAlert = await alerts.waitFor(
			(b) => b.workflowId === 'sbWatchdog000001' && /NO_PASSING_DRILL/.test(String(b.error)),
			150_000,
		);
		await n8n.api('POST', '/workflows/sbWatchdog000001/deactivate', {});
		expect(drillAlert).toMatchObject({ step: 'Check Newest Sets', mode: 'trigger' });
		expect(drillAlert.error).toMatch(
			/No passing restore drill in 8 days: n8n-postgres \(last pass .*, last drill fail .*\) \[NO_PASSING_DRILL\]/,
		);
		expect(drillAlert.hint).toMatch(/weekly restore drill/);
		await n8n.cliOk(['execute', '--id=sbWeeklyDrill001'], 300_000);
		expect((await n8n.cli(['execute', '--id=sbWatchdog000001'])).code).toBe(0);

		const old = new Date(Date.now() - 3 * 24 * 3_600_000);
		runFolders(root, 'n8n-redis').forEach((name, i) =>
			renameSync(
				join(root, 'n8n-redis', name),
				join(root, 'n8n-redis', new Date(old.getTime() + i * 1000).toISOString().replace(/:/g, '-')),
			),
		);
		const run = await n8n.cli(['execute', '--id=sbWatchdog000001']);
		expect(run.code).not.toBe(0);
		expect(run.stdout + run.stderr).toMatch(/NO_RECENT_BACKUP/);
		// Published with its schedule at every minute instead of every hour, so the test need not wait an hour.
		const watchdog = loadTemplate('backup-watchdog.json');
		nodeNamed(watchdog, 'Every Hour').parameters.rule = { interval: [{ field: 'cronExpression', expression: '* * * * *' }] };
		await n8n.api('PUT', '/workflows/sbWatchdog000001', editableWorkflow(watchdog));
		await n8n.api('POST', '/workflows/sbWatchdog000001/activate', {});
		const alert = await alerts.waitFor((b) => b.workflowId === 'sbWatchdog000001' && /NO_RECENT_BACKUP/.test(String(b.error)), 150_000);
		await n8n.api('POST', '/workflows/sbWatchdog000001/deactivate', {});
		expect(alert).toMatchObject({ step: 'Check Newest Sets', mode: 'trigger' });
		expect(alert.error).toMatch(/n8n-redis \(newest 72 h old\).*\[NO_RECENT_BACKUP\]/);
		expect(alert.hint).toMatch(/published/);
	});

	it("disaster recovery: n8n's database is dropped, restored with the CLI, and n8n comes back with its workflows and working credentials", async () => {
		await n8n.stop();
		await containerPg((c) => c.query(`DROP DATABASE ${DATABASE} WITH (FORCE)`));
		const restore = execFileSync(
			process.execPath,
			[
				CLI,
				'restore',
				join(root, 'n8n-postgres'),
				'--container',
				'postgres',
				'--database',
				DATABASE,
				'--user',
				pg.user,
				'--docker-host',
				`unix://${env.dockerSocket}`,
			],
			{ encoding: 'utf8' },
		);
		expect(JSON.parse(restore.trim().split('\n').pop()!)).toMatchObject({
			postgres: { database: DATABASE, comparison: { differences: [] } },
			differences: [],
		});
		await n8n.start();
		await n8n.signIn();
		const workflows = (await n8n.api<{ data: Array<{ id: string }> }>('GET', '/workflows?limit=250')).data.map((w) => w.id);
		expect(workflows).toEqual(
			expect.arrayContaining([
				apiWorkflowId,
				'sbNightlyCompose',
				'sbBackupAlert001',
				'sbWeeklyDrill001',
				'sbWatchdog000001',
				'sbRestoreOneWf01',
				'sbNightlySingle1',
			]),
		);
		// The credential decrypts (with the same N8N_ENCRYPTION_KEY) and works: n8n runs its test.
		const tested = await n8n.api('POST', `/credentials/${apiCredentialId}/test`, {});
		expect(tested).toMatchObject({ status: 'OK' });
	});

	it("everything destroyed (database dropped, Redis flushed, the data volume removed, the config deleted): `recover` alone brings the stack back, n8n stopped and started by the plan's commands; workflows match, a credential decrypts, the RTO is printed", async () => {
		// Tonight's backup, as the schedule runs it (the watchdog test aged the earlier Redis runs).
		await n8n.cliOk(['execute', '--id=sbNightlyCompose'], 300_000);
		// n8n runs (started by the previous test); the stop command finds it by its pid.
		writeFileSync(hooks.pidFile, String(n8n.serverPid()));
		const workflowsBefore = (await n8n.api<{ data: Array<{ id: string }> }>('GET', '/workflows?limit=250')).data.map((w) => w.id).sort();
		await containerPg((c) => c.query(`DROP DATABASE ${DATABASE} WITH (FORCE)`));
		await withRedis(env.containerRedis.port, (r) => r.flushall());
		await removeN8nContainer?.();
		await testDocker().getVolume('n8n_data').remove({ force: true });
		const stack = join(n8n.userFolder, '.n8n-files', 'stack');
		rmSync(join(stack, '.env'));
		rmSync(join(stack, 'docker-compose.yml'));

		const run = await runCli(['recover', '--root', root, '--docker-host', `unix://${env.dockerSocket}`, '--readiness-timeout', '240']);
		expect(run.stderr).toMatch(/\[4\] stop n8n: done in \d+\.\d s\n\s+ran: sh .*stop-n8n\.sh/);
		expect(run.stderr).toMatch(/\[9\] start n8n: done in \d+\.\d s\n\s+ran: sh .*start-n8n\.sh/);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/^RTO: \d+\.\d s; \d+ workflows checked/m);
		expect(run.json).toMatchObject({ differences: [], envDiff: { liveMissing: true } });
		expect(run.json.workflowsChecked).toBeGreaterThanOrEqual(workflowsBefore.length);

		// The n8n the start command launched answers with every workflow, and the credential decrypts and works.
		await n8n.signIn();
		const workflows = (await n8n.api<{ data: Array<{ id: string }> }>('GET', '/workflows?limit=250')).data.map((w) => w.id).sort();
		expect(workflows).toEqual(workflowsBefore);
		expect(await n8n.api('POST', `/credentials/${apiCredentialId}/test`, {})).toMatchObject({ status: 'OK' });
		await withRedis(env.containerRedis.port, async (r) => expect(await r.dbsize()).toBeGreaterThan(0));
		expect(await volumeFile('config', 'n8n_data')).toContain('stack-backup-e2e-encryption-key-0001');
		expect(readFileSync(join(run.json.configDir, '.env'), 'utf8')).toContain('N8N_ENCRYPTION_KEY=');
	}, 600_000);
});

function newestCompleteRun(root: string, set: string, other: string | undefined): string | undefined {
	const newest = runFolders(root, set).pop();
	return newest && newest !== other && existsSync(join(root, set, newest, 'manifest.json')) ? newest : undefined;
}
