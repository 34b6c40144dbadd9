// One operation of our core in a process of its own, so the OS can measure it alone.
//   node bench/ours.mjs idle | postgres ROOT DB | postgres-custom ROOT DB | dir ROOT PATH | redis ROOT PORT
//   node bench/ours.mjs restore SETPATH DB
import core from '../dist/core/index.js';

const env = JSON.parse(process.env.BENCH_PG ?? '{}');
const [what, a, b] = process.argv.slice(2);
const pgConnection = (database) => ({ host: env.host, port: env.port, user: env.user, password: env.password, database });

switch (what) {
	case 'idle':
		await new Promise((r) => setTimeout(r, 300));
		break;
	case 'postgres':
	case 'postgres-custom':
		await core.backupPostgres({
			root: a,
			setName: 'pg',
			method: 'local',
			connection: pgConnection(b),
			format: what === 'postgres' ? 'plain' : 'custom',
			compression: core.defaultCompression(),
			allowShrink: true,
		});
		break;
	case 'dir':
		await core.backupVolume({ root: a, setName: 'dir', source: { type: 'dir', path: b }, compression: core.defaultCompression() });
		break;
	case 'redis':
		await core.backupRedis({
			root: a,
			setName: 'redis',
			method: 'sync',
			connection: { host: '127.0.0.1', port: Number(b) },
			compression: core.defaultCompression(),
		});
		break;
	case 'restore':
		await core.restorePostgres({ setPath: a, method: 'local', connection: pgConnection(b), jobs: 2 });
		break;
	default:
		throw new Error(`unknown operation ${what}`);
}
