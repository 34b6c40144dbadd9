import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { readTarEntries } from '../archive/readTarEntries';
import type { DockerConnection } from '../docker/dockerConnection';
import { mapDockerError } from '../docker/dockerErrors';
import { helperLabels } from '../docker/helperContainer';
import { StackBackupError } from '../errors/StackBackupError';

/** Where n8n's official image keeps its database migrations (n8n 1.x and 2.x). */
export const N8N_MIGRATIONS_PATH = '/usr/local/lib/node_modules/n8n/node_modules/@n8n/db/dist/migrations';

/** A migration's time: the 13-digit number n8n ends its names with (AddSomething1789995003141). */
export function migrationTime(name: string): number | null {
	const m = /(\d{13})(?:-|\.js$|$)/.exec(name);
	return m ? Number(m[1]) : null;
}

export interface N8nImageFacts {
	container: string;
	image: string;
	version: string | null;
	/** The newest migration the image holds, or null where the image is not laid out like n8n's. */
	newestMigration: { name: string; time: number } | null;
}

/** What the n8n a recovery will start knows: its image, version and newest database migration, read from the image's files. */
export async function readN8nImage(docker: Docker, connection: DockerConnection, container: string): Promise<N8nImageFacts | null> {
	const info = await docker
		.getContainer(container)
		.inspect()
		.catch((error: unknown) => {
			if ((error as { statusCode?: number }).statusCode === 404) return null;
			throw mapDockerError(error, connection, container);
		});
	if (!info) return null;
	const env = new Map((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
	const version = info.Config.Labels?.['org.opencontainers.image.version'] ?? env.get('N8N_VERSION') ?? null;
	// A container that is never started: the Engine's archive API reads the image's files.
	const reader = await docker
		.createContainer({
			Image: info.Image,
			Entrypoint: ['/n8n-stack-backup-helper-is-never-started'],
			Cmd: [],
			Labels: helperLabels('1'),
			NetworkDisabled: true,
			HostConfig: { NetworkMode: 'none' },
		})
		.catch((error: unknown) => {
			throw mapDockerError(error, connection);
		});
	try {
		const archive = (await reader.getArchive({ path: N8N_MIGRATIONS_PATH }).catch(() => null)) as Readable | null;
		let newest: N8nImageFacts['newestMigration'] = null;
		if (archive) {
			await readTarEntries(archive, (entry) => {
				const file = entry.path.split('/').pop() ?? '';
				const time = file.endsWith('.js') ? migrationTime(file) : null;
				if (time !== null && (!newest || time > newest.time)) newest = { name: file.replace(/\.js$/, ''), time };
			});
		}
		return { container, image: info.Config.Image, version, newestMigration: newest };
	} finally {
		await reader.remove({ force: true }).catch(() => undefined);
	}
}

/**
 * Refuses to start an n8n older than the data: n8n cannot run on a database whose migrations it
 * does not know (n8n's own imports fail on exactly this). Names the n8n version to use.
 */
export function assertN8nKnowsMigration(facts: N8nImageFacts, lastMigration: string, backupVersion: string | null): void {
	const needed = migrationTime(lastMigration);
	if (needed === null || !facts.newestMigration || facts.newestMigration.time >= needed) return;
	const use = backupVersion
		? `n8n ${backupVersion} (the version that made the backup) or newer`
		: `an n8n that has the migration ${lastMigration}`;
	throw new StackBackupError(
		'N8N_TOO_OLD',
		`The backup's database was migrated by a newer n8n than ${facts.container} runs (${facts.image}${facts.version ? `, n8n ${facts.version}` : ''}): its last migration is ${lastMigration}, and that image knows only up to ${facts.newestMigration.name}`,
		{
			hint: `Change the n8n image to ${use}, then run the recovery again. Nothing was stopped or restored.`,
			details: { container: facts.container, image: facts.image, lastMigration, imageNewestMigration: facts.newestMigration.name },
		},
	);
}
