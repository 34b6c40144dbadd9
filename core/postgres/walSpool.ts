import { createReadStream, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { readStreamText } from '../archive/readStreamText';
import type { DockerConnection } from '../docker/dockerConnection';
import { execInContainer } from '../docker/execInContainer';
import { DIR_MODE } from '../storage/secureFs';
import type { DumpProcess } from './DumpProcess';

/**
 * The folder pg_receivewal writes into, where it runs. It outlives a run on purpose: what a
 * killed collection received but never stored is still there for the next run, which also goes
 * on from its partial segment. Only stored segments are removed.
 */
export interface WalSpool {
	/** Where it is, for messages. */
	readonly where: string;
	readonly dir: string;
	prepare(): Promise<void>;
	/** The file names in it. */
	list(): Promise<string[]>;
	open(name: string): Promise<{ stream: Readable; done: Promise<void> }>;
	remove(names: readonly string[]): Promise<void>;
	/** Removes the spool and all of it (collection turned off). */
	clear(): Promise<void>;
}

const SPOOL_ROOT = 'n8n-stack-backup-wal';

/** On this machine, under the user's cache folder: it survives a reboot, /tmp may not. */
export function localWalSpool(slot: string): WalSpool {
	const dir = join(homedir(), '.cache', SPOOL_ROOT, slot);
	return {
		where: dir,
		dir,
		prepare: async () => {
			await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
			await fs.chmod(dir, DIR_MODE);
		},
		list: async () => fs.readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error))),
		open: async (name) => {
			const stream = createReadStream(join(dir, name));
			const done = new Promise<void>((resolve, reject) => stream.once('close', () => resolve()).once('error', reject));
			done.catch(() => undefined); // the write that reads it reports the error; a failed write never awaits this
			return { stream, done };
		},
		remove: async (names) => {
			for (const name of names) await fs.rm(join(dir, name), { force: true });
		},
		clear: async () => fs.rm(dir, { recursive: true, force: true }),
	};
}

/** Inside the Postgres container, beside the server that pg_receivewal reads from. */
export function containerWalSpool(container: Docker.Container, docker: DockerConnection, slot: string): WalSpool {
	const dir = `/tmp/${SPOOL_ROOT}/${slot}`;
	const run = async (cmd: string[]): Promise<DumpProcess> => execInContainer(container, docker, { cmd });
	const check = async (proc: DumpProcess, what: string): Promise<string> => {
		const [output, { exitCode, stderr }] = await Promise.all([readStreamText(proc.stdout), proc.done]);
		if (exitCode !== 0) throw new Error(`${what} in the Postgres container failed (exit code ${exitCode}): ${stderr.trim()}`);
		return output;
	};
	return {
		where: `${dir} in the Postgres container`,
		dir,
		prepare: async () => void (await check(await run(['sh', '-c', `mkdir -p '${dir}' && chmod 700 '${dir}'`]), 'Making the WAL spool')),
		list: async () =>
			(await check(await run(['sh', '-c', `[ -d '${dir}' ] || exit 0; ls -1A '${dir}'`]), 'Listing the WAL spool'))
				.split('\n')
				.filter(Boolean),
		open: async (name) => {
			const proc = await run(['cat', `${dir}/${name}`]);
			const done = proc.done.then(({ exitCode, stderr }) => {
				if (exitCode !== 0) throw new Error(`Reading ${name} from the WAL spool failed: ${stderr.trim()}`);
			});
			done.catch(() => undefined);
			return { stream: proc.stdout, done };
		},
		remove: async (names) => {
			if (names.length) await check(await run(['rm', '-f', ...names.map((n) => `${dir}/${n}`)]), 'Removing stored WAL from the spool');
		},
		clear: async () => void (await check(await run(['rm', '-rf', dir]), 'Removing the WAL spool')),
	};
}
