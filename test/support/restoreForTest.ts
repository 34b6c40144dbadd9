import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactRecord } from '../../core';
import type { PgServer } from './scratchDatabase';
import { withClient } from './scratchDatabase';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdinFile?: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: [stdinFile ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
		let err = '';
		child.stderr!.on('data', (d) => (err += d));
		child.stdout!.resume();
		if (stdinFile) createReadStream(stdinFile).pipe(child.stdin!);
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
	});
}

/** Decompresses an artifact with the standard CLI tools (zstd, gzip): proves the files are standard. */
export async function decompressWithCli(file: string, artifact: ArtifactRecord, outDir: string): Promise<string> {
	const out = join(outDir, `${artifact.file}.raw`);
	if (artifact.compression === 'none') return file;
	const tool = artifact.compression === 'zstd' ? 'zstd' : 'gzip';
	const child = spawn(tool, ['-d', '-c', file], { stdio: ['ignore', 'pipe', 'inherit'] });
	const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
	// The file is complete only once the write stream has flushed, which can be after the tool exits.
	await pipeline(child.stdout, createWriteStream(out));
	const code = await exited;
	if (code !== 0) throw new Error(`${tool} -d exited ${code}`);
	return out;
}

/**
 * Restores a dump into a new database with the real PostgreSQL tools: psql
 * with ON_ERROR_STOP for plain SQL, pg_restore for custom format.
 */
export async function restoreIntoNewDatabase(server: PgServer, setDir: string, artifact: ArtifactRecord, database: string): Promise<void> {
	await withClient(server, 'postgres', (c) => c.query(`CREATE DATABASE "${database}"`));
	const raw = await decompressWithCli(join(setDir, artifact.file), artifact, setDir);
	const env = { PGHOST: server.host, PGPORT: String(server.port), PGUSER: server.user, PGPASSWORD: server.password, PGDATABASE: database };
	try {
		if (artifact.format === 'plain') await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], env, raw);
		else await run('pg_restore', ['--exit-on-error', '--no-owner', '-d', database, raw], env);
	} finally {
		if (raw !== join(setDir, artifact.file)) await fs.rm(raw, { force: true });
	}
}
