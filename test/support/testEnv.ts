import { existsSync, readFileSync } from 'node:fs';

export interface TestEnv {
	dockerSocket: string;
	helperImage: string;
	hostPostgres: { host: string; port: number; user: string; password: string };
	containerPostgres: { container: string; host: string; port: number; user: string; password: string; volume: string };
	hostRedis: { host: string; port: number };
	containerRedis: { container: string; host: string; port: number; volume: string };
	/** Ceph's RADOS Gateway on loopback (scripts/s3-testenv.sh); cephConf and user are for radosgw-admin. */
	s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; cephConf: string; user: string };
}

const ENV_FILE = process.env.STACK_TESTENV ?? '/tmp/stack-backup-testenv/env.json';

let cached: TestEnv | undefined;

/**
 * The running test environment. Tests never skip when it is missing: they
 * fail, and say which command brings it up.
 */
export function testEnv(): TestEnv {
	if (cached) return cached;
	if (!existsSync(ENV_FILE)) {
		throw new Error(
			`The test environment is not running (${ENV_FILE} is missing). ` +
				'Run the tests with `npm test` (as root: it installs and starts Postgres, Redis, an S3 server and a private Docker Engine), ' +
				'or start the environment alone with `bash scripts/testenv.sh start`.',
		);
	}
	cached = JSON.parse(readFileSync(ENV_FILE, 'utf8')) as TestEnv;
	return cached;
}
