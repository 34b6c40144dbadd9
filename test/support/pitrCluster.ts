import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDocker } from './dockerFixtures';
import { testEnv } from './testEnv';
import { until } from './until';

/**
 * A Postgres cluster of its own in the private Docker Engine, made like the test environment's
 * Postgres container (same image and read-only binds) on a volume of its own, with no network:
 * a point-in-time test may destroy it without touching the servers other tests use.
 */
export interface PitrCluster {
	name: string;
	volume: string;
	container: Docker.Container;
	/** Runs SQL as the postgres user on the database `n8n`; returns psql's unaligned output. */
	sql(text: string, database?: string): Promise<string>;
	/** Waits until the server accepts connections. */
	ready(): Promise<void>;
	remove(): Promise<void>;
}

export async function startPitrCluster(settings: string[] = []): Promise<PitrCluster> {
	const docker = testDocker();
	const like = await docker.getContainer(testEnv().containerPostgres.container).inspect();
	const id = randomBytes(4).toString('hex');
	const name = `pitr-pg-${id}`;
	const volume = `pitr-vol-${id}`;
	const readOnly = (like.HostConfig.Binds ?? []).filter((b) => b.split(':').slice(2).join(':').split(',').includes('ro'));
	await docker.createVolume({ Name: volume, Labels: { 'io.stack-backup-testenv': '1' } });
	const container = await docker.createContainer({
		name,
		Image: like.Image,
		Env: like.Config.Env,
		Entrypoint: like.Config.Entrypoint ?? undefined,
		Cmd: [...(like.Config.Cmd ?? []), ...settings.flatMap((s) => ['-c', s])],
		Labels: { 'io.stack-backup-testenv': '1' },
		HostConfig: { NetworkMode: 'none', Binds: [...readOnly, `${volume}:/var/lib/postgresql/data`] },
	});
	await container.start();
	const sql = async (text: string, database = 'n8n') => {
		const exec = await container.exec({
			Cmd: ['psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database, '-c', text],
			AttachStdout: true,
			AttachStderr: true,
		});
		const stream = await exec.start({});
		const chunks: Buffer[] = [];
		stream.on('data', (c: Buffer) => chunks.push(c));
		await new Promise((resolve) => stream.on('end', resolve));
		const raw = Buffer.concat(chunks);
		let text2 = '';
		for (let at = 0; at + 8 <= raw.length; ) {
			const size = raw.readUInt32BE(at + 4);
			text2 += raw.subarray(at + 8, at + 8 + size).toString('utf8');
			at += 8 + size;
		}
		const { ExitCode } = await exec.inspect();
		if (ExitCode !== 0) throw new Error(`psql failed (${ExitCode}): ${text2}`);
		return text2.trim();
	};
	const ready = () => until(`${name} accepting connections`, () => sql('SELECT 1', 'postgres'), 60_000);
	await ready();
	await sql('CREATE DATABASE n8n', 'postgres');
	await sql(readFileSync(join(__dirname, '..', 'fixtures', 'n8n-like-schema.sql'), 'utf8'));
	return {
		name,
		volume,
		container,
		sql,
		ready,
		remove: async () => {
			await container.remove({ force: true }).catch(() => undefined);
			await docker
				.getVolume(volume)
				.remove()
				.catch(() => undefined);
		},
	};
}
