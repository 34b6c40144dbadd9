import type { SqliteWorkflowsInventory } from '../backupSet/workflowsFile';
import type { DecryptionKeys } from '../archive/ageKeys';
import { checkManifestSignature, normalizeTrust, type TrustOptions } from '../backupSet/setSigning';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { openArtifact } from '../backupSet/openArtifact';
import type { Place } from '../storage/Storage';
import { artifactOfKind, resolveRunFolder, verifyArtifact } from '../backupSet/verifySet';
import { readManifest, WORKFLOWS_ARTIFACT_KIND } from '../backupSet/manifest';
import { StackBackupError, invalidInput } from '../errors/StackBackupError';
import { silentLogger, type Logger } from '../logging/Logger';
import { decodeCopyRow, parseCopyHeader } from './copyText';
import type { N8nInventory, N8nWorkflowRecord, PostgresInventory } from './inventory';
import { openRestoreTransport, type PostgresRestoreOptions } from './postgresRestore';
import { aboutFields } from '../options/optionFields';
import { invalidOption } from '../options/invalidOption';
import { type Location, showPlace } from '../storage/openPlace';

export interface WorkflowListing extends N8nWorkflowRecord {
	set: string;
	path: string;
	backedUpAt: string;
}

// What n8n's public API accepts in settings (it refuses any other key).
export const API_SETTINGS = [
	'saveExecutionProgress',
	'saveManualExecutions',
	'saveDataErrorExecution',
	'saveDataSuccessExecution',
	'executionTimeout',
	'errorWorkflow',
	'timezone',
	'executionOrder',
	'callerPolicy',
	'callerIds',
	'timeSavedPerExecution',
];

/** A set's n8n inventory from its manifest (signature checked): WORKFLOW_NOT_FOUND when it holds no n8n database. */
export async function n8nInventoryOf(
	setPath: Location,
	trust?: TrustOptions,
): Promise<{ dir: string; place: Place; manifest: Awaited<ReturnType<typeof readManifest>>; n8n: N8nInventory }> {
	const place = await resolveRunFolder(setPath);
	const dir = showPlace(place);
	const manifest = await readManifest(place);
	checkManifestSignature(manifest, dir, normalizeTrust(trust));
	// A Postgres set lists them in its dump's inventory; an n8n folder set on SQLite beside its workflows.json.
	const sqlite = manifest.inventory[WORKFLOWS_ARTIFACT_KIND] as Partial<SqliteWorkflowsInventory> | undefined;
	const n8n =
		(manifest.inventory.postgres as PostgresInventory | undefined)?.n8n ??
		(sqlite?.records ? { tablePrefix: '', schema: 'main', workflows: sqlite.records, credentials: [], lastMigration: null } : undefined);
	if (!n8n) {
		throw new StackBackupError('WORKFLOW_NOT_FOUND', `${dir} holds no n8n workflows (no n8n database in its manifest)`, {
			hint: "Pick a set made by a Postgres backup of n8n's own database, or an archive of n8n's folder on SQLite.",
			details: aboutFields('setFolder'),
		});
	}
	return { dir, place, manifest, n8n };
}

/** A set's n8n workflows, read from its manifest alone: nothing is restored or decompressed. */
export async function listWorkflows(setPath: Location, trust?: TrustOptions): Promise<WorkflowListing[]> {
	const { dir, manifest, n8n } = await n8nInventoryOf(setPath, trust);
	return n8n.workflows.map((w) => ({ ...w, set: manifest.set, path: dir, backedUpAt: manifest.startedAt }));
}

export interface ExtractWorkflowOptions {
	/** Opens the set's encrypted artifacts (age identities or passphrases). */
	keys?: DecryptionKeys;
	/** Whose signed sets to accept (public keys), or to accept unsigned ones where that is risky. */
	trust?: TrustOptions;
	/** A run or set folder: a path, or a place opened with openPlace (a bucket). */
	setPath: Location;
	workflowId: string;
	/** For custom-format dumps: where pg_restore runs (locally, or in the Postgres container). */
	pgRestore?: Pick<PostgresRestoreOptions, 'method' | 'connection' | 'docker' | 'pgDumpPath'>;
	now?: Date;
	log?: Logger;
}

export interface ExtractedWorkflow {
	/** The body n8n's "Create a workflow" (n8n node, or POST /api/v1/workflows) accepts. */
	workflow: { name: string; nodes: unknown[]; connections: Record<string, unknown>; settings: Record<string, unknown> };
	source: { set: string; path: string; backedUpAt: string; id: string; name: string; updatedAt: string };
	/** The nodes and connections hash to the manifest's checksum for this workflow. */
	checksumMatches: boolean;
	/** Settings the public API would refuse, left out. */
	droppedSettings: string[];
}

async function findRow(dump: Readable, schema: string, table: string, id: string): Promise<Record<string, string | null> | undefined> {
	const lines = createInterface({ input: dump, crlfDelay: Infinity });
	let columns: string[] | null = null;
	try {
		for await (const line of lines) {
			if (!columns) {
				const header = line.startsWith('COPY ') ? parseCopyHeader(line) : null;
				if (header && header.schema === schema && header.table === table) columns = header.columns;
				continue;
			}
			if (line === '\\.') return undefined;
			const values = decodeCopyRow(line);
			const idIndex = columns.indexOf('id');
			if (values[idIndex] === id) return Object.fromEntries(columns.map((c, i) => [c, values[i]]));
		}
		return undefined;
	} finally {
		lines.close();
		dump.destroy();
	}
}

function parseJsonColumn(value: string | null | undefined, what: string): unknown {
	if (value === null || value === undefined) return null;
	try {
		return JSON.parse(value);
	} catch {
		throw new StackBackupError('WORKFLOW_NOT_FOUND', `The workflow's ${what} in the dump is not valid JSON`, {
			hint: 'The dump may be damaged; try another set.',
		});
	}
}

/**
 * One workflow's JSON out of a dump, streamed: a plain dump is read up to
 * the workflow's row in its COPY block; a custom dump goes through
 * `pg_restore --data-only --table` first. Nothing is restored.
 */
export async function extractWorkflow(options: ExtractWorkflowOptions): Promise<ExtractedWorkflow> {
	const log = options.log ?? silentLogger;
	if (!options.workflowId?.trim())
		throw invalidOption('workflowId', 'No workflow id was given', "List the set's workflows first, and give one id.");
	const { dir, place, manifest, n8n } = await n8nInventoryOf(options.setPath, options.trust);
	const record = n8n.workflows.find((w) => w.id === options.workflowId);
	if (!record) {
		throw new StackBackupError('WORKFLOW_NOT_FOUND', `Workflow ${options.workflowId} is not in ${dir}`, {
			hint: `This set holds ${n8n.workflows.length} workflows; list them to pick an id.`,
		});
	}
	const artifact = artifactOfKind({ dir, manifest }, 'postgres');
	await verifyArtifact(place, artifact);
	const table = `${n8n.tablePrefix}workflow_entity`;
	log.info(`Reading workflow "${record.name}" from ${artifact.file}`);

	let row: Record<string, string | null> | undefined;
	if (artifact.format === 'plain') {
		row = await findRow(openArtifact({ place, keys: options.keys }, artifact), n8n.schema, table, record.id);
	} else {
		if (!options.pgRestore)
			throw invalidInput(
				'This set holds a custom-format dump, which needs pg_restore to read',
				'Give where pg_restore runs: locally, or in the Postgres container.',
			);
		const transport = await openRestoreTransport({
			...options.pgRestore,
			connection: { ...options.pgRestore.connection, database: options.pgRestore.connection.database || 'postgres' },
		});
		const proc = await transport.runProgram('pg_restore', ['--data-only', `--schema=${n8n.schema}`, `--table=${table}`, '--file=-'], {
			database: options.pgRestore.connection.database || 'postgres',
			stdin: openArtifact({ place, keys: options.keys }, artifact),
		});
		row = await findRow(proc.stdout, n8n.schema, table, record.id);
		proc.abort();
		await proc.done.catch(() => undefined);
	}
	if (!row)
		throw new StackBackupError(
			'WORKFLOW_NOT_FOUND',
			`Workflow ${record.id} is listed in the manifest but its row was not found in ${artifact.file}`,
			{ hint: 'The dump may be damaged; try another set.' },
		);

	const checksum = createHash('sha256')
		.update(`${row.nodes ?? ''}\n${row.connections ?? ''}`, 'utf8')
		.digest('hex');
	const settings = (parseJsonColumn(row.settings, 'settings') ?? {}) as Record<string, unknown>;
	const kept = Object.fromEntries(Object.entries(settings).filter(([k]) => API_SETTINGS.includes(k)));
	const day = (options.now ?? new Date()).toISOString().slice(0, 10);
	return {
		workflow: {
			name: `${row.name ?? record.name} (restored ${day})`,
			nodes: (parseJsonColumn(row.nodes, 'nodes') ?? []) as unknown[],
			connections: (parseJsonColumn(row.connections, 'connections') ?? {}) as Record<string, unknown>,
			settings: kept,
		},
		source: { set: manifest.set, path: dir, backedUpAt: manifest.startedAt, id: record.id, name: record.name, updatedAt: record.updatedAt },
		checksumMatches: checksum === record.sha256,
		droppedSettings: Object.keys(settings).filter((k) => !API_SETTINGS.includes(k)),
	};
}
