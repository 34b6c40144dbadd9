import { TarInspector } from '../archive/TarInspector';
import type { BackupRun } from '../backupSet/backupRun';
import { parseLsn } from '../backupSet/walPosition';
import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields } from '../options/optionFields';
import type { Compression } from '../archive/compression';
import { parsePgToolVersion } from './localPgDump';
import { pgProcessError } from './pgErrors';
import type { PgTransport } from './PgTransport';
import { readStreamText } from '../archive/readStreamText';

/** A Postgres set's format when its artifact is a whole cluster's base backup (pg_basebackup, tar). */
export const PHYSICAL_FORMAT = 'physical';
export const BASE_BACKUP_BASE_NAME = 'base.tar';
/** pg_basebackup's own manifest, which it puts at the end of the tar: pg_verifybackup reads it in the extracted folder. */
export const BACKUP_MANIFEST_FILE = 'backup_manifest';

/** Where a base backup starts and ends in the WAL, for the manifest and for point-in-time recovery. */
export interface BaseBackupPosition {
	startLsn: string;
	endLsn: string;
	timeline: number;
	/** The text of the cluster's postgresql.auto.conf, which a recovery writes its settings into. */
	autoConf: string | null;
}

/**
 * pg_basebackup's arguments: the whole cluster as one tar on standard output (so it streams
 * through compression and encryption like a dump), with the WAL it needs to be consistent
 * fetched at the end (-X fetch: streaming it alongside is not possible on standard output).
 * Connection settings travel as libpq environment variables.
 */
export function baseBackupArgs(): string[] {
	return ['-D', '-', '--format=tar', '--wal-method=fetch', '--checkpoint=fast', '--no-password', '--label=n8n-stack-backup'];
}

export async function pgBasebackupVersion(transport: PgTransport): Promise<string> {
	const proc = await transport.startTool('pg_basebackup', ['--version']);
	const [output, { exitCode, stderr }] = await Promise.all([readStreamText(proc.stdout), proc.done]);
	if (exitCode !== 0) throw pgProcessError(exitCode, stderr, transport.errorContext('pg_basebackup'));
	return parsePgToolVersion(output);
}

/** Streams pg_basebackup into the run as base.tar, and reads its start and end from the tar as it passes. */
export async function writeBaseBackup(run: BackupRun, transport: PgTransport, compression: Compression): Promise<BaseBackupPosition> {
	const proc = await transport.startTool('pg_basebackup', baseBackupArgs());
	const inspector = new TarInspector({
		capture: (path) => path === 'backup_label' || path === 'postgresql.auto.conf',
		captureTail: (path) => path === BACKUP_MANIFEST_FILE,
	});
	try {
		await run.writeArtifact({
			baseName: BASE_BACKUP_BASE_NAME,
			kind: 'postgres',
			format: PHYSICAL_FORMAT,
			compression,
			source: proc.stdout,
			transforms: [inspector],
			stalled: (seconds) =>
				new StackBackupError(
					'PG_TIMEOUT',
					`pg_basebackup on ${transport.errorContext('pg_basebackup').where} sent nothing for ${seconds} s`,
					{
						hint: 'Postgres stopped sending the base backup (frozen, overloaded, or its disk hangs). Nothing of this run was kept; check the server, then run again.',
						details: { step: 'pg_basebackup', ...aboutFields('stallTimeoutSeconds') },
					},
				),
		});
	} catch (error) {
		proc.abort();
		throw error;
	}
	const { exitCode, stderr } = await proc.done;
	if (exitCode !== 0) throw replicationError(pgProcessError(exitCode, stderr, transport.errorContext('pg_basebackup')), stderr);
	return readPosition(inspector.contents.captured);
}

function readPosition(captured: Record<string, string>): BaseBackupPosition {
	const label = captured['backup_label'] ?? '';
	const start = /START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+)/.exec(label)?.[1];
	const timeline = /START TIMELINE: (\d+)/.exec(label)?.[1];
	const ranges = [
		...(captured[BACKUP_MANIFEST_FILE] ?? '').matchAll(/"Timeline":\s*(\d+),\s*"Start-LSN":\s*"([^"]+)",\s*"End-LSN":\s*"([^"]+)"/g),
	];
	const end = ranges.at(-1)?.[3];
	if (!start || !timeline || !end) {
		throw new StackBackupError('PG_DUMP_FAILED', 'pg_basebackup ended, but its tar holds no backup_label or no backup_manifest', {
			hint: 'A base backup needs PostgreSQL 13 or newer, whose pg_basebackup writes a backup manifest. Nothing of this run was kept.',
		});
	}
	parseLsn(start);
	parseLsn(end);
	return { startLsn: start, endLsn: end, timeline: Number(timeline), autoConf: captured['postgresql.auto.conf'] ?? null };
}

/** A replication connection that Postgres refuses: the fix is in pg_hba.conf or the user's role. */
export function replicationError(error: StackBackupError, stderr: string): StackBackupError {
	if (
		!/replication connection|must be superuser or replication role|permission denied to start WAL sender|REPLICATION attribute/i.test(
			stderr,
		)
	) {
		return error;
	}
	return new StackBackupError('PG_REPLICATION_DENIED', error.message, {
		hint: 'A base backup and WAL collection use a replication connection. The user needs the REPLICATION attribute (ALTER ROLE <user> REPLICATION; n8n\'s database owner usually has it only when it is the superuser), and pg_hba.conf must allow "replication" for it from where the programs run (the Postgres container itself allows it on its own socket).',
		details: error.details,
	});
}
