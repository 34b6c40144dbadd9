// The point-in-time benchmark's cluster: a Postgres container of its own in the test
// environment's private Docker Engine (made like its Postgres container, on the host's network
// at a port of its own), an n8n-shaped database of about 1 GiB, a base backup taken with our CLI,
// then one day of n8n-like writes (288 rounds of 5 minutes: executions written, a workflow
// edited) with WAL collected after each round. `destroy` stops the server and empties its volume.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import core from '../dist/core/index.js';
import { buildPostgres } from './data.mjs';

export const PITR_SET = 'bench-pitr';
const CONTAINER = 'bench-pitr-pg';
const VOLUME = 'bench_pitr_pgdata';
const PORT = 55497;
const DATABASE = 'bench_n8n';

export function pitrCluster(testenv, work, { dbMiB, rounds }) {
	const dockerArgs = ['-H', `unix://${testenv.dockerSocket}`];
	const docker = (...args) => execFileSync('docker', [...dockerArgs, ...args], { encoding: 'utf8', stdio: 'pipe' });
	const like = JSON.parse(docker('inspect', testenv.containerPostgres.container))[0];
	const readOnly = (like.HostConfig.Binds ?? []).filter((b) => b.split(':').slice(2).join(':').split(',').includes('ro'));
	const server = { host: '127.0.0.1', port: PORT, user: testenv.containerPostgres.user, password: testenv.containerPostgres.password };
	const root = join(work, 'pitr-root');
	const cliEnv = { ...process.env, DOCKER_HOST: `unix://${testenv.dockerSocket}` };
	const target = ['--container', CONTAINER, '--database', DATABASE, '--user', server.user];
	const oneShot = (script, input) =>
		execFileSync(
			'docker',
			[
				...dockerArgs,
				'run',
				'--rm',
				'-i',
				'--network',
				'none',
				'-u',
				'0',
				...readOnly.flatMap((b) => ['-v', b]),
				'-v',
				`${VOLUME}:/vol`,
				'--entrypoint',
				'sh',
				like.Image,
				'-c',
				script,
			],
			{ input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] },
		);
	const ready = () => {
		for (let i = 0; i < 600; i++) {
			try {
				if (docker('exec', CONTAINER, 'psql', '-XAtqc', 'SELECT pg_is_in_recovery()').trim() === 'f') return;
			} catch {
				// not up yet
			}
			execFileSync('sleep', ['0.2']);
		}
		throw new Error(`${CONTAINER} did not come up`);
	};
	return {
		root,
		cliEnv,
		target,
		async prepare(node, cli, log) {
			docker('rm', '-f', CONTAINER);
			try {
				docker('volume', 'rm', VOLUME);
			} catch {
				// none yet
			}
			docker('volume', 'create', VOLUME);
			const env = like.Config.Env.map((e) => (e.startsWith('PGPORT=') ? `PGPORT=${PORT}` : e));
			docker(
				'run',
				'-d',
				'--name',
				CONTAINER,
				'--network',
				'host',
				...env.flatMap((e) => ['-e', e]),
				...readOnly.flatMap((b) => ['-v', b]),
				'-v',
				`${VOLUME}:/var/lib/postgresql/data`,
				like.Image,
				...(like.Config.Cmd ?? []),
				'-c',
				'max_slot_wal_keep_size=20GB',
			);
			ready();
			log(`pitr: building the n8n-shaped database (about ${dbMiB} MiB of dump)`);
			await buildPostgres(server, DATABASE, dbMiB);
			rmSync(root, { recursive: true, force: true });
			const cliRun = (...args) => execFileSync(node, [cli, ...args], { env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
			cliRun('wal', 'collect', '--root', root, '--set', PITR_SET, ...target);
			cliRun('backup', 'postgres', '--root', root, '--set', PITR_SET, ...target, '--format', 'physical');
			cliRun('plan', '--root', root, '--sets', PITR_SET);
			log(`pitr: one day of n8n-like writes, ${rounds} rounds with WAL collected after each`);
			const db = new pg.Client({ ...server, database: DATABASE });
			await db.connect();
			try {
				const first = Number((await db.query('SELECT max(id) AS m FROM execution_entity')).rows[0].m) + 1;
				for (let round = 0; round < rounds; round++) {
					// About 70 executions every 5 minutes (20,000 a day), each with ~8 KiB of execution data.
					const from = first + round * 70;
					await db.query(`
						INSERT INTO execution_entity (id, "workflowId", status, "startedAt", "stoppedAt")
						SELECT i, 'gen' || lpad((i % 40 + 1)::text, 13, '0'), 'success', now(), now() FROM generate_series(${from}, ${from + 69}) i`);
					await db.query(`
						INSERT INTO execution_data ("executionId", "workflowData", data)
						SELECT i, '{"id":"gen"}', (SELECT string_agg(md5((i * 100 + j)::text) || repeat('x', 140), ',') FROM generate_series(1, 48) j)
						FROM generate_series(${from}, ${from + 69}) i`);
					await db.query(
						`UPDATE workflow_entity SET nodes = json_build_array(json_build_object('round', ${round})) WHERE id = 'wf1AAAAAAAAAAAAA'`,
					);
					await core.collectWal({
						root,
						setName: PITR_SET,
						method: 'docker',
						connection: { user: server.user, database: DATABASE },
						docker: { connection: { socketPath: testenv.dockerSocket }, container: CONTAINER },
					});
				}
			} finally {
				await db.end();
			}
		},
		/** The cluster gone: the server stopped and its volume emptied. */
		destroy() {
			docker('stop', '-t', '30', CONTAINER);
			oneShot('rm -rf /vol/* /vol/.[!.]* 2>/dev/null; true');
		},
		/**
		 * The same recovery typed by hand, checking nothing: the base backup's tar extracted into the
		 * volume, the WAL decompressed into it, recovery.signal and restore_command, the server started
		 * and waited for until it has promoted.
		 */
		byHand() {
			const setDir = join(root, PITR_SET);
			const run = readdirSync(setDir)
				.filter((n) => /^\d{4}-/.test(n))
				.sort()[0];
			const walDir = join(setDir, 'wal', '00000001');
			const files = readdirSync(walDir).sort();
			const partial = files.filter((f) => f.includes('.partial-')).pop();
			const script = join(work, 'pitr-by-hand.sh');
			const d = `docker ${dockerArgs.join(' ')}`;
			const run1 = `${d} run --rm -i --network none -u 0 ${readOnly.map((b) => `-v ${b}`).join(' ')} -v ${VOLUME}:/vol --entrypoint sh ${like.Image} -c`;
			writeFileSync(
				script,
				`set -euo pipefail
zstd -dc '${join(setDir, run, 'base.tar.zst')}' | ${run1} 'tar -x -C /vol'
stage=$(mktemp -d)
for f in ${files
					.filter((f) => /^[0-9A-F]{24}\.zst$/.test(f))
					.map((f) => `'${f}'`)
					.join(' ')}; do zstd -qdc "${walDir}/$f" > "$stage/\${f%.zst}"; done
${partial ? `zstd -qdc '${join(walDir, partial)}' > "$stage/${partial.slice(0, 24)}"` : ''}
tar -c -C "$stage" . | ${run1} 'mkdir -p /vol/wal && tar -x -C /vol/wal && touch /vol/recovery.signal && printf "%s\\n" "restore_command = '"'"'cp wal/%f \\"%p\\"'"'"'" "recovery_target_action = '"'"'promote'"'"'" >> /vol/postgresql.auto.conf && chown -R postgres:postgres /vol && chmod 700 /vol'
rm -rf "$stage"
${d} start ${CONTAINER} >/dev/null
until [ "$(${d} exec ${CONTAINER} psql -XAtqc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do sleep 0.2; done
`,
			);
			return script;
		},
		cleanUp() {
			docker('rm', '-f', CONTAINER);
			docker('volume', 'rm', VOLUME);
		},
	};
}
