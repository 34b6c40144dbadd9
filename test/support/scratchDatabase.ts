import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { PgConnection } from '../../core';

export interface PgServer {
	host: string;
	port: number;
	user: string;
	password: string;
}

let counter = 0;

export function uniqueName(prefix: string): string {
	return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

export async function withClient<T>(server: PgServer, database: string, body: (c: Client) => Promise<T>): Promise<T> {
	const client = new Client({ ...server, database });
	await client.connect();
	try {
		return await body(client);
	} finally {
		await client.end();
	}
}

export interface ScratchDatabase {
	name: string;
	connection: PgConnection;
	drop(): Promise<void>;
}

/** A scratch database for every test in the enclosing describe block. */
export function useScratchDatabase(server: PgServer, options: { n8nFixture?: boolean } = {}): { db: () => ScratchDatabase } {
	let db: ScratchDatabase | undefined;
	beforeAll(async () => {
		db = await createScratchDatabase(server, options);
	});
	afterAll(async () => {
		await db?.drop();
	});
	return { db: () => db! };
}

/** A new, empty database on `server`, optionally loaded with the n8n-like fixture. */
export async function createScratchDatabase(server: PgServer, options: { n8nFixture?: boolean } = {}): Promise<ScratchDatabase> {
	const name = uniqueName('t');
	await withClient(server, 'postgres', (c) => c.query(`CREATE DATABASE "${name}"`));
	if (options.n8nFixture) {
		const sql = readFileSync(join(__dirname, '..', 'fixtures', 'n8n-like-schema.sql'), 'utf8');
		await withClient(server, name, (c) => c.query(sql));
	}
	return {
		name,
		connection: { host: server.host, port: server.port, user: server.user, password: server.password, database: name },
		drop: () => withClient(server, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
	};
}
