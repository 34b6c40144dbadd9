import type Docker from 'dockerode';
import { singleFileTar } from '../archive/singleFileTar';
import { mapDockerError } from '../docker/dockerErrors';
import type { DockerConnection } from '../docker/dockerConnection';
import { runOneShot } from '../docker/oneShotContainer';
import { StackBackupError } from '../errors/StackBackupError';
import { Readable } from 'node:stream';

/** Where a Postgres container keeps its data: the mount that holds PGDATA, and the path inside it. */
export interface DataFolder {
	image: string;
	/** "volume-or-host-path:/vol" */
	bind: string;
	/** PGDATA as seen at /vol in a one-shot container. */
	path: string;
	/** PGDATA inside the Postgres container. */
	pgdata: string;
	/** The container's read-only binds (configuration, or binaries): they come along; data mounts never do. */
	readOnlyBinds: string[];
	/** Where the data mount sits in the Postgres container. */
	mountDestination: string;
	shown: string;
}

export const WAL_STAGING = 'n8n-stack-wal';
const MOUNT = '/vol';

/** The data folder of a container (running or not), from its PGDATA and its mounts. */
export function dataFolderOf(info: Docker.ContainerInspectInfo): DataFolder {
	const env = Object.fromEntries((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
	const pgdata = env.PGDATA ?? '/var/lib/postgresql/data';
	const mount = info.Mounts.filter((m) => pgdata === m.Destination || pgdata.startsWith(`${m.Destination}/`)).sort(
		(a, b) => b.Destination.length - a.Destination.length,
	)[0];
	const name = info.Name.replace(/^\//, '');
	if (!mount) {
		throw new StackBackupError('INVALID_INPUT', `The container "${name}" keeps its data (${pgdata}) in no volume`, {
			hint: "Point-in-time recovery writes the cluster into the container's data volume. Give Postgres a volume for PGDATA (as n8n's Docker Compose file does).",
		});
	}
	const source = mount.Type === 'volume' ? mount.Name! : mount.Source;
	return {
		image: info.Image,
		bind: `${source}:${MOUNT}`,
		path: `${MOUNT}${pgdata.slice(mount.Destination.length)}`,
		pgdata,
		mountDestination: mount.Destination,
		readOnlyBinds: (info.HostConfig.Binds ?? []).filter((b) => b.split(':').slice(2).join(':').split(',').includes('ro')),
		shown: mount.Type === 'volume' ? `volume ${source}` : `folder ${source}`,
	};
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The restore's steps on the data folder, each a short script in a one-shot container of the
 * server's image. What was there is moved aside first, never deleted, and put back when the
 * restore fails; it is removed only once the recovered server answers.
 */
export class PitrDataFolder {
	readonly incoming: string;
	readonly replaced: string;

	constructor(
		private readonly docker: Docker,
		private readonly connection: DockerConnection,
		readonly folder: DataFolder,
		stamp: string,
		private readonly timeoutMs: number,
	) {
		this.incoming = `.n8n-stack-incoming-${stamp}`;
		this.replaced = `.n8n-stack-replaced-${stamp}`;
	}

	/** Moves what the folder holds aside (only when `replace`), and makes the folder the restore writes into. */
	async prepare(replace: boolean): Promise<{ movedAside: boolean }> {
		const script = `set -e
mkdir -p ${quote(this.folder.path)}; cd ${quote(this.folder.path)}
rm -rf .n8n-stack-incoming-*
if [ -n "$(find . -mindepth 1 -maxdepth 1 ! -name '.n8n-stack-replaced-*' | head -1)" ]; then
  [ ${replace ? 1 : 0} = 1 ] || { echo NOT_EMPTY; exit 3; }
  mkdir ${this.replaced}
  find . -mindepth 1 -maxdepth 1 ! -name '.n8n-stack-*' -exec mv {} ${this.replaced}/ \\;
  echo MOVED
fi
mkdir -p ${this.incoming}/${WAL_STAGING}`;
		const result = await this.run(script);
		if (result.exitCode === 3) {
			throw new StackBackupError('CONFIRMATION_REQUIRED', `The data folder (${this.folder.shown}) is not empty`, {
				hint: 'A point-in-time restore replaces the whole cluster. Confirm the replacement (what is there is moved aside and removed once the restored server answers), or restore into a scratch container.',
			});
		}
		this.check(result, 'Preparing the data folder');
		return { movedAside: result.output.includes('MOVED') };
	}

	/**
	 * Writes the base backup, the WAL and the recovery settings into the folder (the archive API
	 * of a created container), then swaps them in and gives them to the postgres user. With
	 * `verify`, pg_verifybackup checks the base backup against its own manifest first.
	 */
	async fill(parts: {
		base: () => Readable;
		wal: Array<{ name: string; size: number; open: () => Readable }>;
		files: Record<string, string>;
		verify: boolean;
	}): Promise<{ verifyOutput: string | null }> {
		const dir = `${this.folder.path}/${this.incoming}`;
		const verify = parts.verify
			? `pg_verifybackup -i ${WAL_STAGING} -i recovery.signal -i postgresql.auto.conf ${quote(dir)} 2>&1 || { echo VERIFY_FAILED; exit 4; }\n`
			: '';
		const script = `set -e
${verify}cd ${quote(this.folder.path)}
find ${this.incoming} -mindepth 1 -maxdepth 1 -exec mv {} . \\;
rmdir ${this.incoming}
chown -R postgres:postgres . ; chmod 700 .`;
		const result = await runOneShot(this.docker, this.connection, {
			image: this.folder.image,
			binds: [this.folder.bind, ...this.folder.readOnlyBinds],
			script,
			timeoutMs: this.timeoutMs,
			beforeStart: async (container) => {
				try {
					await container.putArchive(parts.base(), { path: dir });
					for (const file of parts.wal)
						await container.putArchive(singleFileTar(file.name, file.size, file.open()), { path: `${dir}/${WAL_STAGING}` });
					for (const [name, text] of Object.entries(parts.files)) {
						const body = Buffer.from(text);
						await container.putArchive(singleFileTar(name, body.length, Readable.from([body]), { mode: 0o600 }), { path: dir });
					}
				} catch (error) {
					throw mapDockerError(error, this.connection);
				}
			},
		});
		if (result.exitCode === 4) {
			throw new StackBackupError(
				'CHECKSUM_MISMATCH',
				`pg_verifybackup found the extracted base backup damaged: ${lastLines(result.output)}`,
				{
					hint: 'The base backup does not match its own backup_manifest. Nothing was started on it; restore from another base backup.',
				},
			);
		}
		this.check(result, 'Writing the restored cluster');
		return { verifyOutput: parts.verify ? lastLines(result.output) : null };
	}

	/** After a failure: the restored files go, and what was there comes back. */
	async rollBack(): Promise<void> {
		const script = `cd ${quote(this.folder.path)} || exit 0
rm -rf ${this.incoming}
if [ -d ${this.replaced} ]; then
  find . -mindepth 1 -maxdepth 1 ! -name '.n8n-stack-*' -exec rm -rf {} +
  find ${this.replaced} -mindepth 1 -maxdepth 1 -exec mv {} . \\;
  rmdir ${this.replaced}
fi`;
		this.check(await this.run(script), 'Putting the old data back');
	}

	private run(script: string) {
		return runOneShot(this.docker, this.connection, {
			image: this.folder.image,
			binds: [this.folder.bind, ...this.folder.readOnlyBinds],
			script,
			timeoutMs: this.timeoutMs,
		});
	}

	private check(result: { exitCode: number; output: string }, what: string): void {
		if (result.exitCode === 0) return;
		throw new StackBackupError(
			'PG_RESTORE_FAILED',
			`${what} in ${this.folder.shown} failed (exit code ${result.exitCode}): ${lastLines(result.output)}`,
			{
				hint: 'Read the message; the data folder was left as it was before the restore.',
			},
		);
	}
}

function lastLines(text: string): string {
	return text.trim().split('\n').slice(-4).join(' | ');
}
