import { createHash } from 'node:crypto';
import type { PgServer } from './scratchDatabase';
import { withClient } from './scratchDatabase';

export interface DbFingerprint {
	rows: Record<string, number>;
	workflows: Record<string, string>;
}

/**
 * Row counts of every user table, and a sha256 of each workflow's nodes and
 * connections computed here in JS: an independent check on what the core's
 * inventory SQL claims.
 */
export async function fingerprint(server: PgServer, database: string): Promise<DbFingerprint> {
	return withClient(server, database, async (c) => {
		const tables = await c.query<{ s: string; t: string }>(
			`SELECT schemaname AS s, tablename AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1, 2`,
		);
		const rows: Record<string, number> = {};
		for (const { s, t } of tables.rows) {
			const r = await c.query(`SELECT count(*)::int AS n FROM "${s}"."${t.replace(/"/g, '""')}"`);
			rows[`${s}.${t}`] = r.rows[0].n;
		}
		const workflows: Record<string, string> = {};
		if (rows['public.workflow_entity'] !== undefined) {
			const w = await c.query<{ id: string; n: string; c: string }>(
				`SELECT id, nodes::text AS n, connections::text AS c FROM workflow_entity`,
			);
			for (const r of w.rows) workflows[r.id] = createHash('sha256').update(`${r.n}\n${r.c}`).digest('hex');
		}
		return { rows, workflows };
	});
}
