// `npm run bench`: ours against the reference tools on the same data, in the same run,
// alternating, several times. Prints a one-screen table and writes bench-results/latest.json.
//   node bench/run.mjs [--dump-mib 600] [--redis-mib 300] [--tree-mib 1000] [--reps 3]
//                      [--flat-mib 1024,10240] [--copy-mib 1024] [--recover-db-mib 1024] [--recover-volume-mib 500]
//                      [--pitr-db-mib 1024] [--pitr-rounds 288]
//                      [--only postgres,flat,volume,redis,retention,restore,s3,recover,pitr]
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import core from '../dist/core/index.js';
import { buildPostgres, buildRedis, buildTree } from './data.mjs';
import { measure, median } from './measure.mjs';
import { recoverStack } from './recoverStack.mjs';
import { pitrCluster, PITR_SET } from './pitrCluster.mjs';

const { values } = parseArgs({
	options: {
		'dump-mib': { type: 'string', default: '600' },
		'redis-mib': { type: 'string', default: '300' },
		'tree-mib': { type: 'string', default: '1000' },
		reps: { type: 'string', default: '3' },
		'flat-mib': { type: 'string', default: '1024,10240' },
		'copy-mib': { type: 'string', default: '1024' },
		only: { type: 'string', default: 'postgres,flat,volume,redis,retention,restore,s3,recover,pitr' },
		'pitr-db-mib': { type: 'string', default: '1024' },
		'pitr-rounds': { type: 'string', default: '288' },
		'recover-db-mib': { type: 'string', default: '1024' },
		'recover-volume-mib': { type: 'string', default: '500' },
	},
});
const reps = Number(values.reps);
const only = new Set(values.only.split(','));
const WORK = process.env.STACK_BENCH_DIR ?? join(tmpdir(), 'stack-backup-bench');
const testenv = JSON.parse(readFileSync(process.env.STACK_TESTENV ?? '/tmp/stack-backup-testenv/env.json', 'utf8'));
const server = {
	host: '127.0.0.1',
	port: testenv.hostPostgres.port,
	user: testenv.hostPostgres.user,
	password: testenv.hostPostgres.password,
};
const pgEnv = {
	...process.env,
	PGHOST: server.host,
	PGPORT: String(server.port),
	PGUSER: server.user,
	PGPASSWORD: server.password,
	BENCH_PG: JSON.stringify(server),
};
const NODE = process.execPath;
const log = (m) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
mkdirSync(WORK, { recursive: true });

const sizeOf = (path) => {
	const st = statSync(path);
	if (!st.isDirectory()) return st.size;
	return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
};
const fresh = (name) => {
	const dir = join(WORK, 'out', name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	return dir;
};
const sh = (script) => ['bash', '-o', 'pipefail', '-c', script];

/**
 * Runs every case `reps` times (or `times`), alternating, and keeps the medians and every
 * run's seconds (for paired ratios). Every other round runs the cases in reverse order, so
 * that a machine getting slower or faster during the benchmark favours neither side. Each
 * run starts with no dirty pages of the run before it (sync): a 1 GiB restore leaves that
 * much for the kernel to write back during whatever runs next.
 */
async function compare(group, cases, env = pgEnv, times = reps) {
	const runs = Object.fromEntries(cases.map((c) => [c.name, []]));
	for (let rep = 0; rep < times; rep++) {
		for (const c of rep % 2 ? [...cases].reverse() : cases) {
			const out = fresh(`${group}-${c.name}`.replace(/\W+/g, '_'));
			await c.before?.();
			execFileSync('sync');
			const result = await measure(c.argv(out), { env });
			runs[c.name].push({ seconds: result.seconds, peakRssMiB: result.peakRssMiB, outputBytes: c.output ? sizeOf(c.output(out)) : null });
			c.report?.(result);
			await c.after?.();
			log(`${group}: ${c.name} #${rep + 1}: ${result.seconds.toFixed(2)} s, peak RSS ${result.peakRssMiB.toFixed(0)} MiB`);
		}
	}
	return cases.map((c) => ({
		group,
		name: c.name,
		reference: Boolean(c.reference),
		seconds: median(runs[c.name].map((r) => r.seconds)),
		runSeconds: runs[c.name].map((r) => r.seconds),
		peakRssMiB: Math.max(...runs[c.name].map((r) => r.peakRssMiB)),
		outputMiB: runs[c.name][0].outputBytes === null ? null : runs[c.name][0].outputBytes / 1048576,
	}));
}

const results = [];
const idle = await measure([NODE, 'bench/ours.mjs', 'idle']);
log(`idle node process with the core loaded: ${idle.peakRssMiB.toFixed(0)} MiB`);

if (only.has('postgres') || only.has('restore') || only.has('flat') || only.has('s3')) {
	log(`building the n8n-shaped database (about ${values['dump-mib']} MiB of dump; once)`);
	await buildPostgres(server, 'bench_n8n', Number(values['dump-mib']));
}
if (only.has('postgres')) {
	const dump = 'pg_dump --no-password --format=plain -d bench_n8n';
	results.push(
		...(await compare('Postgres dump', [
			{ name: 'pg_dump > /dev/null', reference: true, argv: () => sh(`${dump} > /dev/null`) },
			{ name: 'pg_dump | gzip -6', reference: true, argv: (o) => sh(`${dump} | gzip -6 > ${o}/d.sql.gz`), output: (o) => `${o}/d.sql.gz` },
			{
				name: 'pg_dump | pigz',
				reference: true,
				argv: (o) => sh(`${dump} | pigz -6 -p ${cpus().length} > ${o}/d.sql.gz`),
				output: (o) => `${o}/d.sql.gz`,
			},
			{
				name: 'pg_dump | zstd -3',
				reference: true,
				argv: (o) => sh(`${dump} | zstd -3 -q > ${o}/d.sql.zst`),
				output: (o) => `${o}/d.sql.zst`,
			},
			{ name: 'ours (core, plain)', argv: (o) => [NODE, 'bench/ours.mjs', 'postgres', o, 'bench_n8n'], output: (o) => o },
			{
				name: 'ours (CLI, plain)',
				argv: (o) => [
					NODE,
					'dist/bin/n8n-stack-backup.js',
					'backup',
					'postgres',
					'--root',
					o,
					'--set',
					'pg',
					'--url',
					`postgres://${server.user}@127.0.0.1:${server.port}/bench_n8n`,
					'--allow-shrink',
				],
				output: (o) => o,
			},
		])),
	);
}
if (only.has('flat')) {
	// Peak RSS must not grow with the size of the dump: the real CLI pipeline, fed by a stand-in
	// pg_dump that streams generated rows (bench/syntheticPgDump.mjs), at two sizes.
	for (const mib of values['flat-mib'].split(',').map(Number)) {
		const out = fresh(`flat-${mib}`);
		const result = await measure(
			[
				NODE,
				'dist/bin/n8n-stack-backup.js',
				'backup',
				'postgres',
				'--root',
				out,
				'--set',
				'flat',
				'--url',
				`postgres://${server.user}@127.0.0.1:${server.port}/bench_n8n`,
				'--pg-dump',
				'bench/syntheticPgDump.mjs',
				'--allow-shrink',
			],
			{ env: { ...pgEnv, BENCH_SYNTHETIC_MIB: String(mib) } },
		);
		log(`memory flatness: ${mib} MiB dump through the CLI: ${result.seconds.toFixed(1)} s, peak RSS ${result.peakRssMiB.toFixed(0)} MiB`);
		results.push({
			group: 'Flat memory',
			name: `CLI, synthetic ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} dump`,
			reference: false,
			seconds: result.seconds,
			peakRssMiB: result.peakRssMiB,
			outputMiB: sizeOf(out) / 1048576,
		});
		rmSync(out, { recursive: true, force: true });
	}
}
if (only.has('volume')) {
	const tree = join(WORK, 'tree');
	log(`building the folder tree (about ${values['tree-mib']} MiB; once)`);
	buildTree(tree, Number(values['tree-mib']));
	results.push(
		...(await compare('Volume archive', [
			{ name: 'tar czf', reference: true, argv: (o) => ['tar', 'czf', `${o}/t.tgz`, '-C', tree, '.'], output: (o) => `${o}/t.tgz` },
			{
				name: 'tar -I zstd -cf',
				reference: true,
				argv: (o) => ['tar', '-I', 'zstd -3 -q', '-cf', `${o}/t.tar.zst`, '-C', tree, '.'],
				output: (o) => `${o}/t.tar.zst`,
			},
			{ name: 'ours (core)', argv: (o) => [NODE, 'bench/ours.mjs', 'dir', o, tree], output: (o) => o },
		])),
	);
}
if (only.has('redis')) {
	const dir = join(WORK, 'redis');
	mkdirSync(dir, { recursive: true });
	const port = 56390;
	const redis = spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local'],
		{ stdio: 'ignore' },
	);
	try {
		// PING answers LOADING (exit code 0) while a dump.rdb left in the folder is still loading.
		for (let i = 0; i < 300; i++) {
			try {
				if (execFileSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).trim() === 'PONG') break;
				await new Promise((r) => setTimeout(r, 100));
			} catch {
				await new Promise((r) => setTimeout(r, 100));
			}
		}
		log(`building the Redis dataset (about ${values['redis-mib']} MiB)`);
		buildRedis(port, Number(values['redis-mib']));
		results.push(
			...(await compare('Redis snapshot', [
				{
					name: 'redis-cli --rdb',
					reference: true,
					argv: (o) => ['redis-cli', '-p', String(port), '--rdb', `${o}/dump.rdb`],
					output: (o) => `${o}/dump.rdb`,
				},
				{ name: 'ours (core, SYNC)', argv: (o) => [NODE, 'bench/ours.mjs', 'redis', o, String(port)], output: (o) => o },
			])),
		);
	} finally {
		redis.kill('SIGKILL');
	}
}
if (only.has('retention')) {
	const sets = Array.from({ length: 10_000 }, (_, i) => ({
		id: String(i),
		time: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000),
		complete: true,
	}));
	const policy = { keepLast: 5, keepHourly: 24, keepDaily: 7, keepWeekly: 4, keepMonthly: 12, keepYearly: 3, keepWithin: '30d' };
	const times = [];
	for (let rep = 0; rep < Math.max(reps, 5); rep++) {
		const t = process.hrtime.bigint();
		core.planRetention(sets, policy, { timeZone: 'Europe/Berlin' });
		times.push(Number(process.hrtime.bigint() - t) / 1e9);
	}
	results.push({
		group: 'Retention plan',
		name: 'ours, 10,000 sets, every rule, Europe/Berlin',
		reference: false,
		seconds: median(times),
		peakRssMiB: null,
		outputMiB: null,
	});
}
if (only.has('restore')) {
	const sets = join(WORK, 'restore-sets');
	rmSync(sets, { recursive: true, force: true });
	log('making a plain and a custom set to restore');
	await measure([NODE, 'bench/ours.mjs', 'postgres', join(sets, 'plain'), 'bench_n8n'], { env: pgEnv });
	await measure([NODE, 'bench/ours.mjs', 'postgres-custom', join(sets, 'custom'), 'bench_n8n'], { env: pgEnv });
	const run = (kind) =>
		join(
			sets,
			kind,
			'pg',
			readdirSync(join(sets, kind, 'pg')).find((n) => /^\d{4}/.test(n)),
		);
	const file = (kind) =>
		join(
			run(kind),
			readdirSync(run(kind)).find((n) => n !== 'manifest.json'),
		);
	const drop = () =>
		execFileSync('psql', ['-X', '-q', '-d', 'postgres', '-c', 'DROP DATABASE IF EXISTS bench_restore WITH (FORCE)'], { env: pgEnv });
	// By hand, too, the database to restore into is made first, inside the timed command, as ours makes it.
	const createdb = `psql -X -q -d postgres -c 'CREATE DATABASE bench_restore'`;
	// A restore writes ~1 GiB of WAL: the checkpoint it sets off must not land in the next run.
	const checkpoint = () => execFileSync('psql', ['-X', '-q', '-d', 'postgres', '-c', 'CHECKPOINT'], { env: pgEnv });
	const clean = () => (drop(), checkpoint());
	// Restores on 2 cores vary by 10% from run to run (the server is the bottleneck): 5 runs each.
	results.push(
		...(await compare(
			'Restore',
			[
				{
					name: 'zstd -d | psql (plain, by hand)',
					reference: true,
					before: clean,
					argv: () =>
						sh(
							`${createdb} && zstd -dc ${file('plain')} | psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d bench_restore -o /dev/null`,
						),
				},
				{ name: 'ours (plain via psql)', before: clean, argv: () => [NODE, 'bench/ours.mjs', 'restore', run('plain'), 'bench_restore'] },
				{
					name: 'zstd -d; pg_restore -j2 (custom, by hand)',
					reference: true,
					before: clean,
					argv: (o) =>
						sh(
							`${createdb} && zstd -dq ${file('custom')} -o ${o}/d.pgdump && pg_restore --no-password --exit-on-error --jobs=2 -d bench_restore ${o}/d.pgdump`,
						),
				},
				{
					name: 'ours (custom via pg_restore -j2)',
					before: clean,
					argv: () => [NODE, 'bench/ours.mjs', 'restore', run('custom'), 'bench_restore'],
				},
			],
			pgEnv,
			Math.max(reps, 5),
		)),
	);
	drop();
}

if (only.has('s3')) {
	// The same S3 server for everyone: the test environment's Ceph RADOS Gateway. rclone is
	// configured through its environment; Debian's rclone 1.60 fails when AWS_CA_BUNDLE is set.
	const s3 = testenv.s3;
	const { AWS_CA_BUNDLE: _ignored, ...withoutCaBundle } = pgEnv;
	const s3Env = {
		...withoutCaBundle,
		AWS_ENDPOINT_URL: s3.endpoint,
		AWS_REGION: s3.region,
		AWS_ACCESS_KEY_ID: s3.accessKeyId,
		AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
		RCLONE_CONFIG_BENCH_TYPE: 's3',
		RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
		RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
		RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: s3.accessKeyId,
		RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: s3.secretAccessKey,
	};
	const bucket = `bench-${process.pid}`;
	const rclone = (...args) => execFileSync('rclone', args, { env: s3Env, stdio: 'pipe' });
	rclone('mkdir', `bench:${bucket}`);
	let n = 0;
	const prefix = () => `run-${++n}`;
	// memstore keeps objects in RAM: each run's objects go once it is measured.
	const purge = () => rclone('purge', `bench:${bucket}`) && rclone('mkdir', `bench:${bucket}`);
	try {
		const dump = 'pg_dump --no-password --format=plain -d bench_n8n';
		const cli = (root) => [
			NODE,
			'dist/bin/n8n-stack-backup.js',
			'backup',
			'postgres',
			'--root',
			root,
			'--set',
			'pg',
			'--url',
			`postgres://${server.user}@127.0.0.1:${server.port}/bench_n8n`,
			'--allow-shrink',
		];
		results.push(
			...(await compare(
				'S3',
				[
					{
						name: 'pg_dump | zstd -3 | rclone rcat',
						reference: true,
						argv: () => sh(`${dump} | zstd -3 -q | rclone rcat bench:${bucket}/${prefix()}/d.sql.zst`),
						after: purge,
					},
					{ name: 'ours (CLI) into the bucket', argv: () => cli(`s3://${bucket}/${prefix()}`), after: purge },
					{ name: 'ours (CLI) to local disk', argv: (o) => cli(o), output: (o) => o },
				],
				s3Env,
			)),
		);
		// Offsite Copy of a set of about --copy-mib MiB that does not compress, against rclone copy of the same folder.
		const source = join(WORK, 'copy-source');
		rmSync(source, { recursive: true, force: true });
		mkdirSync(source, { recursive: true });
		const file = openSync(`${WORK}/copy-file.bin`, 'w');
		for (let i = 0; i < Number(values['copy-mib']); i++) writeSync(file, randomBytes(1048576));
		closeSync(file);
		await measure([
			NODE,
			'dist/bin/n8n-stack-backup.js',
			'backup',
			'files',
			'--root',
			source,
			'--set',
			'big',
			'--file',
			`${WORK}/copy-file.bin`,
			'--compression',
			'none',
		]);
		rmSync(`${WORK}/copy-file.bin`, { force: true });
		results.push(
			...(await compare(
				'S3',
				[
					{
						name: `rclone copy (${values['copy-mib']} MiB set)`,
						reference: true,
						argv: () => ['rclone', 'copy', source, `bench:${bucket}/${prefix()}`],
						after: purge,
					},
					{
						name: `ours: copy --to s3 (${values['copy-mib']} MiB set)`,
						argv: () => [NODE, 'dist/bin/n8n-stack-backup.js', 'copy', '--from', source, '--to', `s3://${bucket}/${prefix()}`],
						after: purge,
					},
				],
				s3Env,
			)),
		);
		for (const mib of values['flat-mib'].split(',').map(Number)) {
			const result = await measure(
				[...cli(`s3://${bucket}/${prefix()}`).slice(0, -1), '--pg-dump', 'bench/syntheticPgDump.mjs', '--allow-shrink'],
				{ env: { ...s3Env, BENCH_SYNTHETIC_MIB: String(mib) } },
			);
			purge();
			log(`memory flatness into the bucket: ${mib} MiB dump: ${result.seconds.toFixed(1)} s, peak RSS ${result.peakRssMiB.toFixed(0)} MiB`);
			results.push({
				group: 'S3 flat memory',
				name: `CLI into the bucket, synthetic ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} dump`,
				reference: false,
				seconds: result.seconds,
				peakRssMiB: result.peakRssMiB,
				outputMiB: null,
			});
		}
	} finally {
		rclone('purge', `bench:${bucket}`);
	}
}

// Where a recovery's time went, step by step: ours prints it in its summary, the hand-run sequence as it goes.
const reportSteps = ({ stdout, stderr }) =>
	log(`  steps: ${[...`${stdout}\n${stderr}`.matchAll(/^ {2}(\S.*?)\s+done\s+([\d.]+ s)$/gm)].map((m) => `${m[1]} ${m[2]}`).join(', ')}`);

if (only.has('recover')) {
	// From "everything destroyed" to "everything restored": our one command against the best
	// sequence typed by hand (which checks nothing), on the same sets, alternating.
	const CLI = 'dist/bin/n8n-stack-backup.js';
	const stack = recoverStack(testenv, WORK, {
		dbMiB: Number(values['recover-db-mib']),
		redisMiB: 100,
		volumeMiB: Number(values['recover-volume-mib']),
	});
	await stack.prepare(NODE, CLI, log);
	const env = { ...pgEnv, ...stack.pgEnv, ...stack.cliEnv };
	try {
		results.push(
			...(await compare(
				'Recover',
				[
					{
						name: 'by hand (zstd | psql, docker cp, tar -x)',
						reference: true,
						before: () => stack.destroy(),
						argv: () => sh(stack.byHand()),
						report: reportSteps,
					},
					{
						name: 'ours: recover --root',
						before: () => stack.destroy(),
						argv: () => [NODE, CLI, 'recover', '--root', stack.root],
						report: reportSteps,
					},
				],
				{ ...env, ...stack.pgEnv },
				Math.max(reps, 5),
			)),
		);
	} finally {
		stack.cleanUp();
	}
}

let walCost = null;
if (only.has('pitr')) {
	// A point-in-time restore of a ~1 GiB database plus one day of WAL at n8n's write rate: our
	// one command against the same steps typed by hand (extract, stage WAL, recovery.signal, start).
	const CLI = 'dist/bin/n8n-stack-backup.js';
	const cluster = pitrCluster(testenv, WORK, { dbMiB: Number(values['pitr-db-mib']), rounds: Number(values['pitr-rounds']) });
	await cluster.prepare(NODE, CLI, log);
	try {
		results.push(
			...(await compare(
				'PITR',
				[
					{
						name: 'by hand (tar -x, WAL staged, recovery.signal)',
						reference: true,
						before: () => cluster.destroy(),
						argv: () => ['bash', cluster.byHand()],
					},
					{
						name: 'ours: recover --to latest',
						before: () => cluster.destroy(),
						argv: () => [NODE, CLI, 'recover', '--root', cluster.root, '--to', 'latest'],
					},
				],
				cluster.cliEnv,
			)),
		);
		// What one collection costs on a quiet n8n, pg_receivewal included (the local method, so it is our child).
		const url = `postgres://${testenv.containerPostgres.user}@127.0.0.1:55497/bench_n8n`;
		const costArgs = ['wal', 'collect', '--root', join(WORK, 'pitr-cost'), '--set', 'bench-wal-cost', '--url', url];
		const cpu = [];
		for (let i = 0; i < 6; i++) {
			const run = await measure([NODE, CLI, ...costArgs], { env: { ...cluster.cliEnv, PGPASSWORD: testenv.containerPostgres.password } });
			const user = Number(/User time \(seconds\): ([\d.]+)/.exec(run.stderr)?.[1]);
			const system = Number(/System time \(seconds\): ([\d.]+)/.exec(run.stderr)?.[1]);
			if (i > 0) cpu.push(user + system); // the first one makes the slot
		}
		walCost = median(cpu);
		log(`pitr: one WAL collection costs ${walCost.toFixed(2)} s of CPU (median of ${cpu.length})`);
		execFileSync(NODE, [CLI, 'wal', 'stop', '--set', 'bench-wal-cost', '--url', url], {
			env: { ...cluster.cliEnv, PGPASSWORD: testenv.containerPostgres.password },
		});
	} finally {
		cluster.cleanUp();
	}
}

// Ratios against the reference each target names.
const find = (group, name) => results.find((r) => r.group === group && r.name === name);
/**
 * How much slower `a` is than `b`. Two cases of one comparison ran side by side, round after
 * round: their ratio is the median of each round's ratio, so a machine whose speed drifts
 * during the benchmark (20-30% on this shared 2-core machine) moves both sides of every
 * ratio alike. Otherwise, the ratio of the medians.
 */
const ratio = (a, b) => {
	if (!a || !b) return null;
	const paired = a.group === b.group && a.runSeconds && a.runSeconds.length === b.runSeconds?.length;
	if (!paired) return a.seconds / b.seconds;
	return median(a.runSeconds.map((seconds, round) => seconds / b.runSeconds[round]));
};
const ours = find('Postgres dump', 'ours (core, plain)');
const verdicts = [];
if (ours) {
	verdicts.push([
		'Postgres: ours vs pg_dump | gzip -6 (speed-up, target >= 3x)',
		1 / ratio(ours, find('Postgres dump', 'pg_dump | gzip -6')),
	]);
	verdicts.push(['Postgres: ours / pg_dump > /dev/null (target <= 1.5x)', ratio(ours, find('Postgres dump', 'pg_dump > /dev/null'))]);
	verdicts.push([
		'Postgres: ours output / gzip -6 output (target <= 1)',
		ours.outputMiB / find('Postgres dump', 'pg_dump | gzip -6').outputMiB,
	]);
	verdicts.push(['Postgres: ours peak RSS growth over idle, MiB (target < 64)', ours.peakRssMiB - idle.peakRssMiB]);
}
const flat = results.filter((r) => r.group === 'Flat memory');
if (flat.length >= 2) {
	verdicts.push([
		`Flat memory: peak RSS growth over idle, ${flat[0].name.split(', ')[1]} / ${flat.at(-1).name.split(', ')[1]}, MiB (< 64 each)`,
		null,
		`${(flat[0].peakRssMiB - idle.peakRssMiB).toFixed(0)} / ${(flat.at(-1).peakRssMiB - idle.peakRssMiB).toFixed(0)}`,
	]);
}
const intoBucket = find('S3', 'ours (CLI) into the bucket');
if (intoBucket) {
	verdicts.push([
		'S3: ours into the bucket / pg_dump | zstd -3 | rclone rcat (target <= 1)',
		ratio(intoBucket, find('S3', 'pg_dump | zstd -3 | rclone rcat')),
	]);
	verdicts.push([
		'S3: ours into the bucket / ours to local disk (target <= 1.15x)',
		ratio(intoBucket, find('S3', 'ours (CLI) to local disk')),
	]);
	const copy = results.find((r) => r.group === 'S3' && r.name.startsWith('ours: copy'));
	const rcloneCopy = results.find((r) => r.group === 'S3' && r.name.startsWith('rclone copy'));
	verdicts.push(['S3: Offsite Copy / rclone copy of the same set (target <= 1)', ratio(copy, rcloneCopy)]);
}
const s3flat = results.filter((r) => r.group === 'S3 flat memory');
if (s3flat.length >= 2) {
	verdicts.push([
		`S3 flat memory: peak RSS growth over idle, ${s3flat[0].name.split(', ')[1]} / ${s3flat.at(-1).name.split(', ')[1]}, MiB (< 96 each)`,
		null,
		`${(s3flat[0].peakRssMiB - idle.peakRssMiB).toFixed(0)} / ${(s3flat.at(-1).peakRssMiB - idle.peakRssMiB).toFixed(0)}`,
	]);
}
const vol = find('Volume archive', 'ours (core)');
if (vol) {
	verdicts.push(['Volume: ours vs tar czf (speed-up, target >= 2x)', 1 / ratio(vol, find('Volume archive', 'tar czf'))]);
	verdicts.push(['Volume: ours output / tar czf output (target <= 1)', vol.outputMiB / find('Volume archive', 'tar czf').outputMiB]);
	verdicts.push(['Volume: ours peak RSS growth over idle, MiB (target < 64)', vol.peakRssMiB - idle.peakRssMiB]);
}
const red = find('Redis snapshot', 'ours (core, SYNC)');
if (red) verdicts.push(['Redis: ours / redis-cli --rdb (target <= 1.2x)', ratio(red, find('Redis snapshot', 'redis-cli --rdb'))]);
const restorePlain = find('Restore', 'ours (plain via psql)');
if (restorePlain) {
	verdicts.push([
		'Restore: ours / zstd -d | psql, plain (target <= 1.05)',
		ratio(restorePlain, find('Restore', 'zstd -d | psql (plain, by hand)')),
	]);
	verdicts.push([
		'Restore: ours / zstd -d; pg_restore -j2, custom (target <= 1.05)',
		ratio(find('Restore', 'ours (custom via pg_restore -j2)'), find('Restore', 'zstd -d; pg_restore -j2 (custom, by hand)')),
	]);
}
const recovered = find('Recover', 'ours: recover --root');
if (recovered) {
	verdicts.push(['Recover: destroyed to restored, seconds (target < 300)', recovered.seconds]);
	verdicts.push([
		'Recover: ours / the same by hand (target <= 1.1)',
		ratio(recovered, find('Recover', 'by hand (zstd | psql, docker cp, tar -x)')),
	]);
}
const pitrOurs = find('PITR', 'ours: recover --to latest');
if (pitrOurs) {
	verdicts.push([
		'PITR: ours / extract + WAL + recovery by hand (target <= 1.1)',
		ratio(pitrOurs, find('PITR', 'by hand (tar -x, WAL staged, recovery.signal)')),
	]);
	verdicts.push(['PITR: ours peak RSS growth over idle, MiB', pitrOurs.peakRssMiB - idle.peakRssMiB]);
}
if (walCost !== null) verdicts.push(['WAL collection every 5 min: share of one core, % (target < 2)', (walCost / 300) * 100]);
const ret = results.find((r) => r.group === 'Retention plan');
if (ret) verdicts.push(['Retention: 10,000 sets, seconds (target < 1)', ret.seconds]);

const machine = {
	cpus: cpus().length,
	cpuModel: cpus()[0]?.model,
	memoryGiB: Math.round(totalmem() / 2 ** 30),
	node: process.version,
	date: new Date().toISOString(),
};
const fmt = (n, d = 2) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
const lines = [
	`Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; dump ${values['dump-mib']} MiB, tree ${values['tree-mib']} MiB, Redis ${values['redis-mib']} MiB; medians of ${reps}; ratios are medians of the rounds' ratios`,
	'',
	`${'case'.padEnd(48)} ${'seconds'.padStart(8)} ${'output MiB'.padStart(11)} ${'peak RSS MiB'.padStart(13)}`,
	...results.map(
		(r) =>
			`${`${r.group}: ${r.name}`.padEnd(48)} ${fmt(r.seconds).padStart(8)} ${fmt(r.outputMiB, 1).padStart(11)} ${fmt(r.peakRssMiB, 0).padStart(13)}`,
	),
	'',
	...verdicts.map(([what, value, text]) => `${what.padEnd(66)} ${text ?? fmt(value)}`),
	`(idle node process with the core loaded: ${fmt(idle.peakRssMiB, 0)} MiB)`,
];
console.log(lines.join('\n'));
mkdirSync('bench-results', { recursive: true });
writeFileSync(
	'bench-results/latest.json',
	`${JSON.stringify({ machine, flags: values, idleRssMiB: idle.peakRssMiB, results, verdicts: Object.fromEntries(verdicts.map(([what, value, text]) => [what, text ?? value])) }, null, 2)}\n`,
);
writeFileSync('bench-results/latest.txt', `${lines.join('\n')}\n`);
