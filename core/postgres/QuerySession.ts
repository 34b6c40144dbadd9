/**
 * A database session the inventory runs in. Every query returns one JSON
 * value (see catalogQueries.ts), so pg over TCP and psql inside a container
 * can stand in for each other.
 */
export interface QuerySession {
	/** Runs a statement without output (BEGIN, COMMIT). */
	exec(sql: string): Promise<void>;
	queryJson<T>(sql: string): Promise<T>;
	/** Ends the session; an open transaction is rolled back. */
	close(): Promise<void>;
}
