import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installInto } from './installedPackage';

const APP = process.env.STACK_N8N_APP ?? '/var/cache/n8n-stack-backup/n8n-2.41.3';
export const N8N_MAIN = join(APP, 'node_modules', 'n8n', 'bin', 'n8n');
const WORK = process.env.STACK_E2E_DIR ?? '/tmp/stack-backup-e2e';

export interface CliResult {
	code: number | null;
	/** The signal that ended the process, if one did. */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/**
 * `n8n execute` once (in three full runs) printed its finished, successful
 * execution and then ended by a signal during its own shutdown (exit code
 * null). Such a run is judged by the execution it printed; the signal is kept
 * in the result and the log. A run that printed no successful, finished
 * execution keeps its null code and fails.
 */
function printedSuccessfulExecution(args: string[], stdout: string): boolean {
	return args[0] === 'execute' && /"status":\s*"success"/.test(stdout) && /"finished":\s*true/.test(stdout);
}

export interface InstanceOptions {
	name: string;
	port: number;
	/** Postgres settings for n8n's own database; SQLite (n8n's default) without. */
	postgres?: { host: string; port: number; database: string; user: string; password: string };
	env?: Record<string, string>;
	/** Queue mode: the Bull queue's Redis; the main takes triggers and webhooks, workers run executions. */
	queue?: { redisHost: string; redisPort: number; prefix: string };
	/** `n8n worker` (its health server on `port`) instead of `n8n start`. */
	role?: 'main' | 'worker';
	/** A host name of its own (unshare --uts), as a worker on another machine has. */
	hostname?: string;
	/** False: a worker the package was never installed on. */
	installPackage?: boolean;
	/** Executions a worker runs at once (n8n's default 10). */
	concurrency?: number;
}

export const OWNER = { email: 'owner@example.com', firstName: 'Stack', lastName: 'Backup', password: 'E2eOwnerPass1' };

/** A real n8n 2.41 with its own user folder and our package installed the way n8n installs it. */
export class N8nInstance {
	readonly userFolder: string;
	readonly url: string;
	private server: ChildProcess | undefined;
	private cookie = '';
	apiKey = '';

	constructor(readonly options: InstanceOptions) {
		mkdirSync(WORK, { recursive: true });
		this.userFolder = mkdtempSync(join(WORK, `${options.name}-`));
		this.url = `http://127.0.0.1:${options.port}`;
		if (options.installPackage !== false) installInto(this.userFolder);
		mkdirSync(join(this.userFolder, 'tmp'), { recursive: true });
		mkdirSync(join(this.userFolder, '.n8n-files', 'backups'), { recursive: true });
	}

	env(role: 'server' | 'cli' = 'server'): NodeJS.ProcessEnv {
		const pg = this.options.postgres;
		return {
			PATH: `${join(process.execPath, '..')}:${process.env.PATH}`,
			// Our nodes expand "~" with the home folder; n8n puts its own folder under N8N_USER_FOLDER.
			HOME: this.userFolder,
			// Nothing shared between the processes, not even the temp folder.
			TMPDIR: join(this.userFolder, 'tmp'),
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'stack-backup-e2e-encryption-key-0001',
			N8N_PORT: String(this.options.port),
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: this.url,
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			// A CLI run beside the server starts its own task broker: give it another port.
			N8N_RUNNERS_BROKER_PORT: String(this.options.port + (role === 'server' ? 1 : 2)),
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			// This package can never be verified (runtime dependencies, file access); n8n 3.0 plans to
			// turn unverified packages off by default, so the suite says explicitly what users must set.
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_RESTRICT_FILE_ACCESS_TO: `${join(this.userFolder, '.n8n-files')};${join(this.userFolder, '.n8n')}`,
			N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES: 'false',
			GENERIC_TIMEZONE: 'UTC',
			N8N_LOG_LEVEL: 'info',
			...(pg
				? {
						DB_TYPE: 'postgresdb',
						DB_POSTGRESDB_HOST: pg.host,
						DB_POSTGRESDB_PORT: String(pg.port),
						DB_POSTGRESDB_DATABASE: pg.database,
						DB_POSTGRESDB_USER: pg.user,
						DB_POSTGRESDB_PASSWORD: pg.password,
					}
				: {}),
			...(this.options.queue
				? {
						EXECUTIONS_MODE: 'queue',
						QUEUE_BULL_REDIS_HOST: this.options.queue.redisHost,
						QUEUE_BULL_REDIS_PORT: String(this.options.queue.redisPort),
						QUEUE_BULL_PREFIX: this.options.queue.prefix,
						// Editor runs go to the workers too, as every execution in this suite must.
						OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
					}
				: {}),
			...(this.options.role === 'worker'
				? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.options.port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' }
				: {}),
			...this.options.env,
		};
	}

	/** Runs an n8n CLI command (import:workflow, publish:workflow, execute...) to its end. */
	cli(args: string[], timeoutMs = 300_000): Promise<CliResult> {
		return new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [N8N_MAIN, ...args], { env: this.env('cli'), stdio: ['ignore', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d) => (stdout += d));
			child.stderr.on('data', (d) => (stderr += d));
			let timedOut = false;
			const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs);
			child.on('error', reject);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				const judged = code === null && !timedOut && printedSuccessfulExecution(args, stdout) ? 0 : code;
				const note = signal ? `\n[ended by ${signal}${timedOut ? ' (our timeout)' : ''}; judged as exit code ${judged}]` : '';
				writeFileSync(
					join(this.userFolder, `cli-${args[0].replace(/[^a-z]/gi, '_')}-${Date.now()}.log`),
					`${args.join(' ')}\n${stdout}\n${stderr}${note}`,
				);
				resolve({ code: judged, signal, stdout, stderr });
			});
		});
	}

	async cliOk(args: string[], timeoutMs?: number): Promise<CliResult> {
		const result = await this.cli(args, timeoutMs);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}:\n${(result.stdout + result.stderr).slice(-4000)}`);
		return result;
	}

	importJson(kind: 'workflow' | 'credentials', data: unknown): Promise<CliResult> {
		const file = join(this.userFolder, `import-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
		writeFileSync(file, JSON.stringify(data));
		return this.cliOk([`import:${kind}`, `--input=${file}`]);
	}

	async start(): Promise<void> {
		const log = createWriteStream(join(this.userFolder, `server-${Date.now()}.log`));
		const command = this.options.role === 'worker' ? ['worker', `--concurrency=${this.options.concurrency ?? 10}`] : ['start'];
		const options: SpawnOptions = { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] };
		// A host name of its own: `unshare --uts` gives the process its own UTS namespace.
		this.server = this.options.hostname
			? spawn(
					'unshare',
					['--uts', 'sh', '-c', `hostname ${this.options.hostname} && exec "$0" "$@"`, process.execPath, N8N_MAIN, ...command],
					options,
				)
			: spawn(process.execPath, [N8N_MAIN, ...command], options);
		this.server.stdout!.pipe(log);
		this.server.stderr!.pipe(log);
		const deadline = Date.now() + 180_000;
		while (Date.now() < deadline) {
			if (this.server.exitCode !== null) throw new Error(`n8n start exited ${this.server.exitCode}; see ${this.userFolder}`);
			const ready = await fetch(`${this.url}/healthz/readiness`).then(
				(r) => r.ok,
				() => false,
			);
			if (ready) {
				// Published workflows (schedules, webhooks) are activated just after readiness.
				if (this.options.role !== 'worker') await new Promise((r) => setTimeout(r, 3000));
				return;
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become ready in 180 s; see ${this.userFolder}`);
	}

	/** The server process's pid, while this instance started it and it runs. */
	serverPid(): number | undefined {
		return this.server?.exitCode === null ? this.server.pid : undefined;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server || server.exitCode !== null) return;
		const exited = new Promise((resolve) => server.once('exit', resolve));
		server.kill('SIGTERM');
		const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
		await exited;
		clearTimeout(timer);
		this.server = undefined;
	}

	serverLog(): string {
		const { readdirSync } = require('node:fs') as typeof import('node:fs');
		return readdirSync(this.userFolder)
			.filter((f) => f.startsWith('server-'))
			.map((f) => readFileSync(join(this.userFolder, f), 'utf8'))
			.join('\n');
	}

	/** A page of the editor's own endpoints (e.g. /types/nodes.json), with the owner session. */
	async editorGet(path: string): Promise<string> {
		const response = await fetch(`${this.url}${path}`, { headers: { cookie: this.cookie, 'browser-id': 'stack-backup-e2e' } });
		if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
		return response.text();
	}

	/** The internal REST API, as the editor calls it (owner session cookie). */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.url}/rest${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'browser-id': 'stack-backup-e2e', cookie: this.cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const cookies = response.headers.getSetCookie();
		if (cookies.length) this.cookie = cookies.map((c) => c.split(';')[0]).join('; ');
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} /rest${path}: ${response.status} ${text.slice(0, 500)}`);
		return (text ? JSON.parse(text).data : undefined) as T;
	}

	/** The owner account and a public-API key with every scope (first start), or a login (later starts). */
	async signIn(): Promise<void> {
		try {
			await this.rest('POST', '/owner/setup', OWNER);
		} catch {
			await this.rest('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		}
		if (!this.apiKey) {
			const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
			this.apiKey = (
				await this.rest<{ rawApiKey: string }>('POST', '/api-keys', { label: `e2e-${Date.now()}`, scopes, expiresAt: null })
			).rawApiKey;
		}
	}

	/**
	 * What the editor's Execute Workflow button sends: a run of the saved workflow from its manual
	 * trigger. With OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS a worker runs it. Returns the execution id.
	 */
	async runFromEditor(workflowId: string, trigger: string): Promise<string> {
		const started = await this.rest<{ executionId?: string }>('POST', `/workflows/${workflowId}/run`, {
			triggerToStartFrom: { name: trigger },
		});
		if (!started?.executionId) throw new Error(`n8n started no execution of ${workflowId}: ${JSON.stringify(started)}`);
		return started.executionId;
	}

	/** The public API (/api/v1) with the API key. */
	async api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.url}/api/v1${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'X-N8N-API-KEY': this.apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} /api/v1${path}: ${response.status} ${text.slice(0, 500)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}
}
