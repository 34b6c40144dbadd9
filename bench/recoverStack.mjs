// The recovery benchmark's stack, in the test environment's private Docker Engine, as the
// Compose template backs it up: an n8n-shaped database of about 1 GiB (mostly execution data)
// in the Postgres container, a Redis dataset in the Redis container, and a data volume of
// about 500 MiB. Backed up once with our CLI (plain zstd dump, as the template makes it), with
// a recovery plan beside the sets; `destroy` then takes it all away again before each run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { buildPostgres, buildTree } from './data.mjs';

export const RECOVER_DB = 'bench_recover';
export const RECOVER_VOLUME = 'bench_recover_data';

export function recoverStack(testenv, work, sizes) {
	const pgServer = {
		host: '127.0.0.1',
		port: testenv.containerPostgres.port,
		user: testenv.containerPostgres.user,
		password: testenv.containerPostgres.password,
	};
	const pgContainer = testenv.containerPostgres.container;
	const redisContainer = testenv.containerRedis.container;
	const docker = (...args) =>
		execFileSync('docker', ['-H', `unix://${testenv.dockerSocket}`, ...args], { encoding: 'utf8', stdio: 'pipe' });
	const psql = (sql) =>
		execFileSync('psql', ['-X', '-q', '-d', 'postgres', '-c', sql], {
			env: { ...process.env, PGHOST: pgServer.host, PGPORT: String(pgServer.port), PGUSER: pgServer.user, PGPASSWORD: pgServer.password },
		});
	// The Redis container listens on the host's network, on the test environment's port.
	const redisCli = (...args) => docker('exec', redisContainer, 'redis-cli', '-p', String(testenv.containerRedis.port), ...args).trim();
	const root = join(work, 'recover-root');
	const tree = join(work, 'recover-volume-tree');
	const cliEnv = { ...process.env, DOCKER_HOST: `unix://${testenv.dockerSocket}` };
	const artifactOf = (set) => {
		const runs = readdirSync(join(root, set)).filter((n) => /^\d{4}-/.test(n) && existsSync(join(root, set, n, 'manifest.json')));
		const run = join(root, set, runs.sort().pop());
		return join(
			run,
			readdirSync(run).find((n) => n !== 'manifest.json'),
		);
	};

	return {
		root,
		cliEnv,
		/** Builds the data and backs it up, once per run of the benchmark. */
		async prepare(node, cli, log) {
			log(
				`building the recovery stack: a ${sizes.dbMiB} MiB n8n database, ${sizes.redisMiB} MiB of Redis, a ${sizes.volumeMiB} MiB volume`,
			);
			await buildPostgres(pgServer, RECOVER_DB, sizes.dbMiB);
			await fillRedis(testenv.containerRedis.port, sizes.redisMiB);
			redisCli('SAVE');
			buildTree(tree, sizes.volumeMiB);
			this.fillVolume();
			rmSync(root, { recursive: true, force: true });
			const cliRun = (...args) => execFileSync(node, [cli, ...args], { env: cliEnv, stdio: ['ignore', 'ignore', 'inherit'] });
			log('backing it up with the CLI, as the Compose template does (zstd, plain dump)');
			cliRun(
				'backup',
				'postgres',
				'--root',
				root,
				'--set',
				'n8n-postgres',
				'--container',
				pgContainer,
				'--database',
				RECOVER_DB,
				'--user',
				pgServer.user,
				'--format',
				'plain',
				'--allow-shrink',
			);
			cliRun(
				'backup',
				'redis',
				'--root',
				root,
				'--set',
				'n8n-redis',
				'--container',
				redisContainer,
				'--port',
				String(testenv.containerRedis.port),
			);
			cliRun('backup', 'volume', '--root', root, '--set', 'n8n-data', '--volume', RECOVER_VOLUME, '--image', testenv.helperImage);
			cliRun('plan', '--root', root, '--sets', 'n8n-postgres,n8n-redis,n8n-data');
		},
		fillVolume() {
			docker('volume', 'rm', '-f', RECOVER_VOLUME);
			docker('volume', 'create', RECOVER_VOLUME);
			docker(
				'run',
				'--rm',
				'--network',
				'none',
				'-v',
				`${RECOVER_VOLUME}:/v`,
				'-v',
				`${tree}:/src:ro`,
				testenv.helperImage,
				'cp',
				'-a',
				'/src/.',
				'/v/',
			);
		},
		/**
		 * Everything destroyed: the database dropped, Redis flushed, the volume removed; then a
		 * checkpoint, so that the one the last run's WAL set off does not land in the next run.
		 */
		destroy() {
			psql(`DROP DATABASE IF EXISTS ${RECOVER_DB} WITH (FORCE)`);
			redisCli('FLUSHALL');
			docker('volume', 'rm', '-f', RECOVER_VOLUME);
			psql('CHECKPOINT');
		},
		/**
		 * The best sequence a person could type, with nothing checked: the dump straight into
		 * psql in one transaction, the RDB into Redis's stopped container, the archive into a
		 * new volume; then Redis started and waited for.
		 */
		byHand() {
			const redisDump = '/tmp/bench-recover-dump.rdb';
			const dataDir = redisCli('CONFIG', 'GET', 'dir').split('\n')[1];
			// Each step's seconds on stderr, in the lines the benchmark prints for ours too ("  name  done  N s").
			const timed = (name, commands) =>
				`t=$(date +%s%N) && ${commands.join(' && ')} && ms=$(( ($(date +%s%N) - t) / 1000000 )) && echo "  ${name}  done  $((ms / 1000)).$((ms % 1000 / 100)) s" >&2`;
			return [
				timed('postgres', [
					`psql -X -q -c 'CREATE DATABASE ${RECOVER_DB}'`,
					`zstd -dc ${artifactOf('n8n-postgres')} | docker exec -i ${pgContainer} psql -X -q -U ${pgServer.user} -v ON_ERROR_STOP=1 --single-transaction -d ${RECOVER_DB} -o /dev/null`,
				]),
				timed('redis', [
					`docker stop ${redisContainer} >/dev/null`,
					`zstd -dqf ${artifactOf('n8n-redis')} -o ${redisDump}`,
					`docker cp ${redisDump} ${redisContainer}:${dataDir}/dump.rdb`,
					`rm -f ${redisDump}`,
					`docker start ${redisContainer} >/dev/null`,
					`until docker exec ${redisContainer} redis-cli -p ${testenv.containerRedis.port} PING 2>/dev/null | grep -q PONG; do sleep 0.1; done`,
				]),
				timed('volume', [
					`docker volume create ${RECOVER_VOLUME} >/dev/null`,
					`zstd -dc ${artifactOf('n8n-data')} | docker run --rm -i --network none -v ${RECOVER_VOLUME}:/v ${testenv.helperImage} tar -x -C /v`,
				]),
			].join(' && ');
		},
		pgEnv: { PGHOST: pgServer.host, PGPORT: String(pgServer.port), PGUSER: pgServer.user, PGPASSWORD: pgServer.password },
		/** Leaves the shared containers as the tests expect them: no benchmark data. */
		cleanUp() {
			this.destroy();
		},
	};
}

// About `mib` MiB of 1 KiB values (the container's Redis refuses DEBUG POPULATE).
async function fillRedis(port, mib) {
	const keys = Math.round((mib * 1024 * 1024) / 1100);
	const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
	await redis.connect();
	try {
		if ((await redis.dbsize()) === keys) return;
		await redis.flushall();
		const value = 'n8n-bench-'.repeat(103).slice(0, 1024);
		for (let i = 0; i < keys; i += 1000) {
			const batch = redis.pipeline();
			for (let k = i; k < Math.min(keys, i + 1000); k++) batch.set(`n8n:bench:${k}`, `${k}:${value}`);
			await batch.exec();
		}
	} finally {
		redis.disconnect();
	}
}
