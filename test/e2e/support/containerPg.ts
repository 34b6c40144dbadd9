import { Client } from 'pg';
import { testEnv } from '../../support/testEnv';

/** A session on the test environment's Postgres container (n8n's database server in the e2e stacks). */
export async function containerPg<T>(body: (c: Client) => Promise<T>): Promise<T> {
	const pg = testEnv().containerPostgres;
	const client = new Client({ host: '127.0.0.1', port: pg.port, user: pg.user, password: pg.password, database: 'postgres' });
	await client.connect();
	try {
		return await body(client);
	} finally {
		await client.end();
	}
}
