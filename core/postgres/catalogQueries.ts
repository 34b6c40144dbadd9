import type { TableRef } from './dumpScope';

// Every query here returns exactly one row with one JSON text column, so the
// same SQL runs over `pg` and over psql inside a container (one line each).
// psql would interpolate ":name", so no query may contain a lone colon.

export function quoteIdent(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

function table(t: TableRef): string {
	return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

export function oneJsonRow(innerJson: string): string {
	return `SELECT coalesce((${innerJson})::text, 'null')`;
}

export const SERVER_VERSION_SQL = oneJsonRow(`SELECT to_json(current_setting('server_version'))`);

export const EXPORT_SNAPSHOT_SQL = oneJsonRow(`SELECT to_json(pg_export_snapshot())`);

export const USER_TABLES_SQL = oneJsonRow(`
	SELECT json_agg(json_build_object('schema', n.nspname, 'name', c.relname) ORDER BY n.nspname, c.relname)
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
	  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`);

export const FOREIGN_KEYS_SQL = oneJsonRow(`
	SELECT json_agg(json_build_object(
		'from', json_build_object('schema', fn.nspname, 'name', fc.relname),
		'to', json_build_object('schema', tn.nspname, 'name', tc.relname)))
	FROM pg_constraint k
	JOIN pg_class fc ON fc.oid = k.conrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
	JOIN pg_class tc ON tc.oid = k.confrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
	WHERE k.contype = 'f'`);

export function columnsSql(t: TableRef): string {
	return oneJsonRow(`
		SELECT json_agg(column_name::text) FROM information_schema.columns
		WHERE table_schema = '${t.schema.replace(/'/g, "''")}' AND table_name = '${t.name.replace(/'/g, "''")}'`);
}

/** Exact row counts, in the given order, in one statement. */
export function rowCountsSql(tables: readonly TableRef[]): string {
	if (tables.length === 0) return `SELECT '[]'`;
	const parts = tables.map((t, i) => `SELECT ${i} AS i, count(*) AS n FROM ${table(t)}`);
	return oneJsonRow(`SELECT json_agg(x.n ORDER BY x.i) FROM (${parts.join(' UNION ALL ')}) x`);
}

/**
 * n8n's workflows with a checksum of what they do (nodes + connections), so a
 * restore can prove each workflow came back unchanged. The checksum is taken
 * over the stored JSON text, the same text a dump carries.
 */
export function n8nWorkflowsSql(t: TableRef, columns: readonly string[]): string {
	const active = columns.includes('active')
		? 'active'
		: columns.includes('activeVersionId')
			? `("activeVersionId" IS NOT NULL)`
			: 'NULL::boolean';
	return oneJsonRow(`
		SELECT json_agg(json_build_object(
			'id', id, 'name', name, 'active', ${active}, 'updatedAt', "updatedAt",
			'sha256', encode(sha256(convert_to(coalesce(nodes::text, '') || chr(10) || coalesce(connections::text, ''), 'UTF8')), 'hex'))
			ORDER BY id)
		FROM ${table(t)}`);
}

/** Credentials by id, name and type only: their data never leaves the database. */
export function n8nCredentialsSql(t: TableRef): string {
	return oneJsonRow(`SELECT json_agg(json_build_object('id', id, 'name', name, 'type', type) ORDER BY id) FROM ${table(t)}`);
}

export function n8nLastMigrationSql(t: TableRef): string {
	return oneJsonRow(`
		SELECT json_build_object('name', name, 'timestamp', "timestamp")
		FROM ${table(t)} ORDER BY "timestamp" DESC, id DESC LIMIT 1`);
}

function quoteLiteral(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

export const SERVER_VERSION_NUM_SQL = oneJsonRow(`SELECT to_json(current_setting('server_version_num')::int)`);

export function databaseExistsSql(database: string): string {
	return oneJsonRow(`SELECT to_json(EXISTS (SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(database)}))`);
}

/** Ends other sessions on a database, for servers before 13 (no DROP ... WITH (FORCE)). */
export function terminateSessionsSql(database: string): string {
	return oneJsonRow(
		`SELECT to_json(count(pg_terminate_backend(pid))) FROM pg_stat_activity WHERE datname = ${quoteLiteral(database)} AND pid <> pg_backend_pid()`,
	);
}

/**
 * One page of n8n's workflows as whole rows, after `afterId` in id order (keyset paging keeps
 * each answer small, however many workflows there are). jsonb: one line, whatever the stored text.
 */
export function n8nWorkflowRowsSql(t: TableRef, afterId: string | null, limit: number): string {
	const after = afterId === null ? '' : `WHERE id > ${quoteLiteral(afterId)}`;
	return oneJsonRow(`
		SELECT jsonb_agg(to_jsonb(w) ORDER BY w.id)
		FROM (SELECT * FROM ${table(t)} ${after} ORDER BY id LIMIT ${Math.trunc(limit)}) w`);
}
