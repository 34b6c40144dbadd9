import { Client } from 'pg';
import type { PgConnection } from './PgConnection';
import { pgClientError, type PgErrorContext } from './pgErrors';
import type { QuerySession } from './QuerySession';

export function pgSslOption(connection: PgConnection) {
	if (connection.ssl !== 'require') return false;
	return { rejectUnauthorized: !connection.allowUnauthorizedCerts };
}

// Closing says goodbye and waits for the server's answer; a frozen server never answers.
const CLOSE_LIMIT_MS = 5_000;

/**
 * A session over TCP with the pg driver. Each query waits at most
 * `queryTimeoutMs` (a frozen server keeps its connection open and never
 * answers); closing is bounded too.
 */
export async function openPgSession(connection: PgConnection, ctx: PgErrorContext, queryTimeoutMs?: number): Promise<QuerySession> {
	const client = new Client({
		host: connection.host,
		port: connection.port,
		database: connection.database,
		user: connection.user,
		password: connection.password,
		ssl: pgSslOption(connection),
		application_name: 'n8n-stack-backup',
		connectionTimeoutMillis: 15_000,
		...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}),
	});
	// A dropped connection is reported by the next query; without a listener it would crash the process.
	client.on('error', () => undefined);
	try {
		await client.connect();
	} catch (error) {
		await client.end().catch(() => undefined);
		throw pgClientError(error, { ...ctx, step: 'Connecting' });
	}
	return {
		async exec(sql) {
			try {
				await client.query(sql);
			} catch (error) {
				throw pgClientError(error, ctx);
			}
		},
		async queryJson<T>(sql: string) {
			try {
				const result = await client.query<[string]>({ text: sql, rowMode: 'array' });
				return JSON.parse(result.rows[0][0]) as T;
			} catch (error) {
				throw pgClientError(error, ctx);
			}
		},
		async close() {
			let timer: NodeJS.Timeout | undefined;
			const ended = await Promise.race([
				client.end().then(
					() => true,
					() => true,
				),
				new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_LIMIT_MS))),
			]);
			clearTimeout(timer);
			if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
		},
	};
}
