import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { backupFiles, backupPostgres, backupRedis, backupVolume, writeRecoveryPlan, type RedisBackupOptions } from '../../core';
import { dumpOptions } from './backupOptions';
import { fingerprint, type DbFingerprint } from './dbFingerprint';
import { testDocker } from './dockerFixtures';
import { seedRedis } from './redisFixtures';
import { createScratchDatabase, type ScratchDatabase } from './scratchDatabase';
import { testEnv } from './testEnv';
import { makeTree, seedVolume } from './volumeFixtures';

const env = testEnv();
const pg = env.containerPostgres;
const connection = { socketPath: env.dockerSocket };
export const VOLUME = 'stack-recover-data';
export const N8N = 'stack-recover-n8n';
export const SETS = 'n8n-postgres, n8n-redis, n8n-data, n8n-config';

export const n8nState = async () => (await testDocker().getContainer(N8N).inspect()).State;

/** A file of the volume, read through a helper container's archive API. */
export async function volumeFile(path: string, volume = VOLUME): Promise<string | null> {
	const helper = await testDocker().createContainer({
		Image: env.helperImage,
		Cmd: ['true'],
		HostConfig: { Binds: [`${volume}:/v`], NetworkMode: 'none' },
	});
	try {
		const stream = await helper.getArchive({ path: `/v/${path}` }).catch(() => null);
		if (!stream) return null;
		const chunks: Buffer[] = [];
		for await (const chunk of stream) chunks.push(chunk as Buffer);
		return execFileSync('tar', ['-xO', '-f', '-'], { input: Buffer.concat(chunks) }).toString();
	} finally {
		await helper.remove({ force: true });
	}
}

/**
 * n8n's readiness, as n8n answers it: 503 while its container is down, 200 once it runs, so
 * the recovery's readiness step can only pass after it really started n8n again.
 */
function readinessServer(): Promise<{ server: Server; url: string }> {
	const server = createServer((_req, res) => {
		n8nState().then(
			(state) => res.writeHead(state.Running ? 200 : 503).end(),
			() => res.writeHead(503).end(),
		);
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz/readiness` }),
		),
	);
}

/**
 * The stack's "n8n": a container using the data volume, as n8n's container uses n8n_data (a volume
 * backup reads it with that container's image). Made anew, as `docker compose create` would.
 */
export async function createN8nContainer(start: boolean): Promise<void> {
	const docker = testDocker();
	await docker
		.getContainer(N8N)
		.remove({ force: true })
		.catch(() => undefined);
	const container = await docker.createContainer({
		name: N8N,
		Image: env.helperImage,
		// PID 1 ignores SIGTERM unless it traps it: without this every stop waits 10 s.
		Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
		Labels: { 'io.stack-backup-testenv': '1' },
		HostConfig: { Binds: [`${VOLUME}:/home/node/.n8n`], NetworkMode: 'none' },
	});
	if (start) await container.start();
}

/** Everything of the stack gone, as after `docker compose down -v` and `docker compose create`: an empty volume, n8n created but not running. */
export async function destroyVolume(): Promise<void> {
	const docker = testDocker();
	await docker.getContainer(N8N).remove({ force: true });
	await docker.getVolume(VOLUME).remove({ force: true });
	await docker.createVolume({ Name: VOLUME, Labels: { 'io.stack-backup-testenv': '1' } });
	await createN8nContainer(false);
}

export interface RecoverableStack {
	/** The backup root holding the night's four sets and its recovery plan. */
	root: string;
	/** The live config folder (.env, docker-compose.yml). */
	stack: string;
	/** The folder both live in. */
	work: string;
	db: ScratchDatabase;
	/** The database as it was backed up. */
	original: DbFingerprint;
	readinessUrl: string;
}

/**
 * A small stack as the Compose template backs it up, for the whole enclosing describe block: a
 * database with n8n's tables in the Postgres container, the Redis container, a data volume, a
 * config folder and an "n8n" container; the night's four sets and its recovery plan.
 */
export function useRecoverableStack(): () => RecoverableStack {
	let stackState: RecoverableStack | undefined;
	let removeN8n: (() => Promise<void>) | undefined;
	let server: Server | undefined;
	beforeAll(async () => {
		const work = mkdtempSync(join(tmpdir(), 'stack-recover-'));
		const root = join(work, 'backups');
		const stack = join(work, 'stack');
		mkdirSync(stack);
		writeFileSync(join(stack, '.env'), 'N8N_ENCRYPTION_KEY=key-of-the-night\nPOSTGRES_PASSWORD=secret\n');
		writeFileSync(join(stack, 'docker-compose.yml'), 'services:\n  n8n:\n    image: n8nio/n8n\n');
		const db = await createScratchDatabase(pg, { n8nFixture: true });
		await seedRedis(env.containerRedis.port);
		await testDocker()
			.getContainer(N8N)
			.remove({ force: true })
			.catch(() => undefined);
		await seedVolume(VOLUME, makeTree());
		await createN8nContainer(true);
		removeN8n = () =>
			testDocker()
				.getContainer(N8N)
				.remove({ force: true })
				.catch(() => undefined);
		const readiness = await readinessServer();
		server = readiness.server;
		await backupPostgres(dumpOptions(root, db, 'docker', { setName: 'n8n-postgres', format: 'custom', compression: 'zstd' }));
		await backupRedis({
			root,
			setName: 'n8n-redis',
			compression: 'zstd',
			method: 'docker',
			connection: { host: '127.0.0.1', port: env.containerRedis.port },
			docker: { connection, container: env.containerRedis.container },
		} as RedisBackupOptions);
		await backupVolume({ root, setName: 'n8n-data', source: { type: 'volume', volume: VOLUME }, docker: connection, compression: 'zstd' });
		await backupFiles({
			root,
			setName: 'n8n-config',
			files: [join(stack, '.env'), join(stack, 'docker-compose.yml')],
			compression: 'zstd',
		});
		await writeRecoveryPlan({ root, setNames: SETS, n8n: { containers: [N8N], healthUrl: readiness.url } });
		stackState = { root, stack, work, db, original: await fingerprint(pg, db.name), readinessUrl: readiness.url };
	});
	afterAll(async () => {
		await stackState?.db.drop();
		await removeN8n?.();
		server?.close();
		if (stackState) rmSync(stackState.work, { recursive: true, force: true });
		await testDocker()
			.getVolume(VOLUME)
			.remove({ force: true })
			.catch(() => undefined);
	});
	return () => stackState!;
}

/**
 * An image laid out like n8n's official one where a recovery looks (its database migrations),
 * holding the migration files named and the version label: which n8n a recovery would start.
 */
export async function n8nLikeImage(tag: string, migrations: string[], version: string): Promise<string> {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-image-'));
	try {
		const folder = join(dir, 'usr/local/lib/node_modules/n8n/node_modules/@n8n/db/dist/migrations/common');
		mkdirSync(folder, { recursive: true });
		for (const name of migrations) writeFileSync(join(folder, `${name}.js`), '"use strict";\n');
		const tarball = execFileSync('tar', ['-C', dir, '-c', 'usr'], { maxBuffer: 16 * 1024 * 1024 });
		const docker = testDocker();
		const stream = await docker.importImage(Readable.from([tarball]), {
			repo: 'stack-backup-test-n8n',
			tag,
			changes: [`LABEL org.opencontainers.image.version=${version}`, 'LABEL io.stack-backup-testenv=1'],
		});
		await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve())));
		return `stack-backup-test-n8n:${tag}`;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
