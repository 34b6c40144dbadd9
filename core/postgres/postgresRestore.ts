import { redactSecrets } from '../errors/redactSecrets';
import { addAbortSignal, type Readable } from 'node:stream';
import { PHYSICAL_FORMAT } from './baseBackup';
import { createHash } from 'node:crypto';
import type { DecryptionKeys } from '../archive/ageKeys';
import type { TrustOptions } from '../backupSet/setSigning';
import { openArtifact, openStoredArtifact } from '../backupSet/openArtifact';
import { artifactOfKind, checkSetForRestore, explainReadFailure, type VerifiedSet } from '../backupSet/verifySet';
import { assertDumpTrusted } from './bucketDumpTrust';
import { defaultCompression } from '../archive/compression';
import type { DockerConnection } from '../docker/dockerConnection';
import { StackBackupError } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { comparePostgresInventory, type PostgresComparison } from './comparePostgresInventory';
import { createDatabase, databaseExists, dropDatabase, maintenanceDatabaseFor, renameDatabase } from './databaseAdmin';
import type { PostgresInventory } from './inventory';
import type { PgConnection } from './PgConnection';
import { PSQL_LOAD_ARGS } from './oneTransactionLoad';
import { pgProcessError } from './pgErrors';
import { backupPostgres } from './postgresBackup';
import { containerTransport, localTransport, type PgTransport } from './PgTransport';
import { aboutFields } from '../options/optionFields';
import { invalidOption } from '../options/invalidOption';
import { optionNumberOr } from '../options/optionNumber';
import { parentPlace, type Location } from '../storage/openPlace';

export interface PostgresRestoreOptions {
	/** Opens the set's encrypted artifacts (age identities or passphrases). */
	keys?: DecryptionKeys;
	/** Whose signed sets to accept (public keys), or to accept unsigned ones where that is risky. */
	trust?: TrustOptions;
	/** A run folder, or a set folder for its newest complete set: a path, or a place opened with openPlace (a bucket). */
	setPath: Location;
	method: 'docker' | 'local';
	/** Where to restore; `database` is the target database. */
	connection: PgConnection;
	docker?: { connection: DockerConnection; container: string };
	/** Local pg_dump; psql and pg_restore are taken from the same folder. */
	pgDumpPath?: string;
	/** Must equal the target database's name when it exists: it is then replaced. */
	confirmReplace?: string;
	/** Parallel pg_restore jobs for a custom-format dump, as typed (default 2, at least 1). */
	jobs?: number | string;
	/** Skip ownership and privileges (restoring to a server without the original roles). */
	noOwner?: boolean;
	/** Where the safety backup of a replaced database goes (default: the set's backup root). */
	safetyRoot?: Location;
	log?: Logger;
	/** A set already verified by the caller (a drill), to skip the second checksum pass. */
	verified?: VerifiedSet;
}

export interface PostgresRestoreResult {
	set: string;
	artifact: string;
	format: string;
	database: string;
	replaced: boolean;
	/** The run folder holding the replaced database's state, taken just before. */
	safetyBackup: string | null;
	comparison: PostgresComparison;
	durationMs: number;
}

export function openRestoreTransport(
	options: Pick<PostgresRestoreOptions, 'method' | 'connection' | 'docker' | 'pgDumpPath'>,
): Promise<PgTransport> {
	if (!options.connection?.database)
		throw invalidOption('targetDatabase', 'No target database was given', 'Name the database to restore into.');
	if (options.method === 'local') return Promise.resolve(localTransport(options.connection, options.pgDumpPath));
	if (!options.docker?.container)
		throw invalidOption(
			'postgresContainer',
			'The Docker method needs a container name',
			'Name the Postgres container, as `docker ps` shows it.',
		);
	return containerTransport(options.docker.connection, options.docker.container, options.connection);
}

// A conninfo string, so a database name can never be read as options or as a URL.
function dbnameArg(database: string): string {
	return `--dbname=dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `docker exec`'s own exit code when it cannot run the command (no such container, an Engine error). */
const DOCKER_EXEC_FAILED = 125;

export const DEFAULT_RESTORE_JOBS = 2;

/** pg_restore's parallel jobs, as typed: a whole number of 1 or more. */
export function restoreJobs(typed: number | string | undefined): number {
	return optionNumberOr(typed, { field: 'jobs', what: 'The number of parallel restore jobs', min: 1, integer: true }, DEFAULT_RESTORE_JOBS);
}

/** Feeds the dump to psql (plain, one transaction, stop at the first error) or pg_restore (custom, parallel). */
export async function loadDump(
	transport: PgTransport,
	set: VerifiedSet,
	database: string,
	options: { jobs: number; noOwner?: boolean; log: Logger; signal?: AbortSignal },
): Promise<void> {
	const { signal } = options;
	const artifact = artifactOfKind(set, 'postgres');
	const ctx = { ...transport.errorContext(artifact.format === 'custom' ? 'pg_restore' : 'psql'), database };
	const fail = (exitCode: number, stderr: string) => {
		// 125: `docker exec` itself failed (psql and pg_restore never exit so), before anything was loaded.
		if (exitCode === DOCKER_EXEC_FAILED)
			return new StackBackupError(
				'PG_RESTORE_FAILED',
				`The docker program could not run psql in ${ctx.where}: ${redactSecrets(stderr.trim().slice(-500), [ctx.password])}`,
				{
					hint: 'The target database was not changed. Check that the container is running (docker ps); to go through the Docker API instead, take the docker program off PATH.',
				},
			);
		const error = pgProcessError(exitCode, stderr, ctx);
		if (error.code !== 'PG_DUMP_FAILED') return error;
		return new StackBackupError('PG_RESTORE_FAILED', error.message.replace(/^(psql|pg_restore) failed/, 'Restoring the dump failed'), {
			hint: 'The dump was loaded into a database of its own, which was dropped again: the target database was not changed. If a role is missing, restore skipping ownership.',
			details: { ...error.details, ...aboutFields('skipOwnership') },
		});
	};
	// A stopped load reads no further: its input fails, so the transaction never commits.
	const stoppable = <T extends Readable>(stream: T): T => (signal ? addAbortSignal(signal, stream) : stream);
	const readFailure = async (error: unknown) => (signal?.aborted ? signal.reason : await explainReadFailure(set, artifact, error));
	const source = {
		stored: () => stoppable(openStoredArtifact(set, artifact)),
		compression: artifact.compression,
		plain: () => stoppable(openArtifact(set, artifact)),
		expected: { size: artifact.rawSize, file: artifact.file },
	};
	if (artifact.format === 'plain') {
		const loadBegan = Date.now();
		const load = await transport.loadScript(PSQL_LOAD_ARGS, { database, source });
		const { exitCode, stderr } = await load.done;
		// A damaged or unopenable dump says so itself; psql only saw its input end.
		if (load.inputError()) throw await readFailure(load.inputError());
		if (exitCode !== 0) throw fail(exitCode, stderr);
		options.log.info(`psql loaded the dump in ${seconds(loadBegan)} s, in one transaction`);
		return;
	}
	const jobs = options.jobs;
	options.log.info(`Staging the custom-format dump for pg_restore --jobs=${jobs} (its sha256 checked as it is written)`);
	const stagingBegan = Date.now();
	const staged = await transport.stageFile(source).catch(async (error: unknown) => {
		throw await readFailure(error);
	});
	options.log.info(`Staged ${Math.round(artifact.rawSize / 1048576)} MiB in ${seconds(stagingBegan)} s; pg_restore is loading it`);
	const loadBegan = Date.now();
	try {
		signal?.throwIfAborted();
		const args = ['--no-password', '--exit-on-error', `--jobs=${jobs}`, dbnameArg(database)];
		if (options.noOwner) args.push('--no-owner', '--no-privileges');
		const proc = await transport.runProgram('pg_restore', [...args, staged.path], { database });
		proc.stdout.resume();
		// A stopped load does not wait for pg_restore: its session ends and the loading database is dropped.
		const stop = () => proc.abort();
		signal?.addEventListener('abort', stop, { once: true });
		const { exitCode, stderr } = await proc.done.finally(() => signal?.removeEventListener('abort', stop));
		signal?.throwIfAborted();
		if (exitCode !== 0) throw fail(exitCode, stderr);
		options.log.info(`pg_restore loaded the dump in ${seconds(loadBegan)} s`);
	} finally {
		await staged.remove().catch(() => undefined);
	}
}

function seconds(since: number): string {
	return ((Date.now() - since) / 1000).toFixed(1);
}

/** Reads the restored database back and compares it with the manifest. */
export async function compareRestoredDatabase(transport: PgTransport, set: VerifiedSet, database: string): Promise<PostgresComparison> {
	const expected = set.manifest.inventory.postgres as PostgresInventory | undefined;
	if (!expected)
		return {
			tablesChecked: 0,
			rowsChecked: 0,
			workflowsChecked: 0,
			differences: ['the manifest has no Postgres inventory to compare with'],
		};
	const session = await transport.openSession(database);
	try {
		return await comparePostgresInventory(session, expected);
	} finally {
		await session.close();
	}
}

/** The database a restore loads into before it becomes the target: one name per target, so a killed run's is found again. */
export function loadingDatabaseName(database: string): string {
	return `stack_backup_loading_${createHash('sha256').update(database).digest('hex').slice(0, 12)}`;
}

/**
 * Restores a Postgres set into a database of its own, each sha256 checked
 * in the same pass; only a dump that loaded whole becomes the target. An
 * existing target is replaced only when its name is typed as confirmation,
 * after a safety backup, and only once the new one has loaded: a damaged
 * set, a wrong key or a failing dump leaves it as it was. The result is
 * compared with the manifest.
 */
export async function restorePostgres(options: PostgresRestoreOptions): Promise<PostgresRestoreResult> {
	return swapInLoaded(await loadPostgresAside(options));
}

/** A dump loaded whole into the loading database beside its target, not yet swapped in. */
export interface LoadedAside {
	options: PostgresRestoreOptions;
	transport: PgTransport;
	set: VerifiedSet;
	/** The loading database that holds it. */
	loading: string;
	began: number;
}

/**
 * The first half of a restore: the set loaded into a database of its own beside the target.
 * Nothing the target's users see changes, so it may run while n8n still runs. `signal` stops
 * the load (the transaction rolls back); a load that fails or stops drops what it made.
 */
export async function loadPostgresAside(options: PostgresRestoreOptions, signal?: AbortSignal): Promise<LoadedAside> {
	const began = Date.now();
	const log = options.log ?? silentLogger;
	const database = options.connection?.database;
	const jobs = restoreJobs(options.jobs);
	const transport = await openRestoreTransport(options);
	const set = options.verified ?? (await checkSetForRestore(options.setPath, log, options.keys, options.trust));
	const artifact = artifactOfKind(set, 'postgres');
	if (artifact.format === PHYSICAL_FORMAT) {
		throw new StackBackupError('INVALID_INPUT', `${set.dir} is a base backup of a whole cluster, not a dump of one database`, {
			hint: 'A base backup restores the whole cluster into a Postgres container: recover the stack (recover --to a moment, or to latest), or restore it to a point in time into a scratch container with Stack Restore. Nothing was changed.',
		});
	}
	assertDumpTrusted(set, artifact);
	const where = transport.errorContext('restore').where;
	const loading = loadingDatabaseName(database);

	const admin = await transport.openSession(maintenanceDatabaseFor(database));
	try {
		if (await databaseExists(admin, database)) assertReplaceConfirmed(options, where);
		// A run killed before its rename leaves its loading database: it holds nothing to keep.
		await dropDatabase(admin, loading);
		await createDatabase(admin, loading, where);
		try {
			log.info(`Restoring ${artifact.file} (${artifact.format}) into "${loading}" on ${where}, then renaming it "${database}"`);
			await loadDump(transport, set, loading, { jobs, noOwner: options.noOwner, log, signal });
		} catch (error) {
			await dropDatabase(admin, loading).catch(() => undefined);
			throw error;
		}
	} finally {
		await admin.close();
	}
	return { options, transport, set, loading, began };
}

/**
 * The second half: the loaded database becomes the target. An existing target is dropped only
 * after its safety backup; a failure before the rename drops the loaded one and leaves the
 * target as it was. The result is compared with the manifest.
 */
export async function swapInLoaded(loaded: LoadedAside): Promise<PostgresRestoreResult> {
	const { options, transport, set, loading } = loaded;
	const log = options.log ?? silentLogger;
	const database = options.connection.database;
	const artifact = artifactOfKind(set, 'postgres');
	const admin = await transport.openSession(maintenanceDatabaseFor(database));
	let safetyBackup: string | null = null;
	let replaced = false;
	try {
		try {
			if (await databaseExists(admin, database)) {
				// Made while the dump loaded, it may be something else's: the same confirmation.
				assertReplaceConfirmed(options, transport.errorContext('restore').where);
				safetyBackup = await takeSafetyBackup(options, set, log);
				log.info(`Safety backup written to ${safetyBackup}; dropping "${database}"`);
				await dropDatabase(admin, database);
				replaced = true;
			}
			await renameDatabase(admin, loading, database);
		} catch (error) {
			if (!replaced) await dropDatabase(admin, loading).catch(() => undefined);
			throw withSafetyBackupHint(error, safetyBackup, replaced ? loading : null);
		}
	} finally {
		await admin.close();
	}
	const comparison = await compareRestoredDatabase(transport, set, database);
	if (comparison.differences.length)
		log.warn(`The restored database differs from the manifest: ${comparison.differences.slice(0, 5).join('; ')}`);
	else
		log.info(
			`Restored "${database}": ${comparison.tablesChecked} tables, ${comparison.rowsChecked} rows and ${comparison.workflowsChecked} workflows match the manifest`,
		);
	return {
		set: set.dir,
		artifact: artifact.file,
		format: artifact.format,
		database,
		replaced,
		safetyBackup,
		comparison,
		durationMs: Date.now() - loaded.began,
	};
}

function assertReplaceConfirmed(options: PostgresRestoreOptions, where: string): void {
	const database = options.connection.database;
	if (options.confirmReplace === database) return;
	throw new StackBackupError('CONFIRMATION_REQUIRED', `Database "${database}" already exists on ${where}`, {
		hint: `To replace it, confirm with its name "${database}"; a safety backup is taken first. Or restore into a new database name.`,
		details: aboutFields('confirmReplace', 'targetDatabase'),
	});
}

/** Drops a load that will not be swapped in: the target was never touched. */
export async function discardLoaded(loaded: LoadedAside): Promise<void> {
	const admin = await loaded.transport.openSession(maintenanceDatabaseFor(loaded.options.connection.database));
	try {
		await dropDatabase(admin, loaded.loading);
	} finally {
		await admin.close();
	}
}

// The state just before a replace, on the safety root (default: the set's backup root).
async function takeSafetyBackup(options: PostgresRestoreOptions, set: VerifiedSet, log: Logger): Promise<string> {
	const database = options.connection.database;
	log.info(`Taking a safety backup of "${database}" before replacing it`);
	const safety = await backupPostgres({
		root: options.safetyRoot ?? parentPlace(parentPlace(set.place)),
		setName: `pre-restore-${database.replace(/[^A-Za-z0-9._-]/g, '_')}`.slice(0, 100),
		method: options.method,
		connection: options.connection,
		docker: options.docker,
		pgDumpPath: options.pgDumpPath,
		format: 'custom',
		compression: defaultCompression(),
		allowShrink: true,
		log,
	});
	return safety.path;
}

function withSafetyBackupHint(error: unknown, safetyBackup: string | null, loadedInto: string | null): unknown {
	if (!(error instanceof StackBackupError) || !safetyBackup) return error;
	const loaded = loadedInto ? ` The restored data is in database "${loadedInto}".` : '';
	return new StackBackupError(error.code, error.message, {
		hint: `${error.hint ?? ''}${loaded} The database's previous state is in the safety backup ${safetyBackup}: restore it with the same replace confirmation.`.trim(),
		details: { ...error.details, safetyBackup },
	});
}
