import { recoverStack } from '../../core';
import { fingerprint } from '../support/dbFingerprint';
import { n8nState, useRecoverableStack, volumeFile } from '../support/recoverableStack';
import { withRedis } from '../support/redisFixtures';
import { spawnCli } from '../support/runCli';
import { testEnv } from '../support/testEnv';
import { until } from '../support/until';
import { injectFault, recordMeasure } from './support/ledger';

// A recovery killed with SIGKILL at any step (power cut, OOM killer, a closed terminal) and then
// run again completes: every step of `recover` is safe to redo from the start.
const env = testEnv();
const connection = { socketPath: env.dockerSocket };
const STEPS = [
	'verify',
	'check n8n version',
	'stop n8n',
	'restore n8n-postgres',
	'restore n8n-redis',
	'restore n8n-data',
	'restore n8n-config',
	'start n8n',
	'readiness',
];

describe('recover killed -9 at each step, then run again', () => {
	const stackOf = useRecoverableStack();

	it.each(STEPS)('killed once "%s" has begun: the next recover completes, and the stack is whole', async (step) => {
		const { root, db, original } = stackOf();
		await injectFault(
			`recover killed -9 during "${step}", then run again`,
			async () => {
				const run = spawnCli(['recover', '--root', root, '--docker-host', `unix://${env.dockerSocket}`, '--readiness-timeout', '60']);
				const started = new RegExp(`\\[\\d+\\] ${step} \\.\\.\\.`);
				await until(`recover to begin "${step}"`, () => {
					if (!started.test(run.stderrSoFar())) throw new Error(`not yet; so far: ${run.stderrSoFar().slice(-300)}`);
				});
				run.child.kill('SIGKILL');
				expect((await run.done).signal).toBe('SIGKILL');
			},
			async () => {
				const began = Date.now();
				const again = await recoverStack({ root, docker: connection, readinessTimeoutMs: 60_000 });
				recordMeasure(`recover after a kill during "${step}"`, `${((Date.now() - began) / 1000).toFixed(1)} s`);
				expect(again.differences).toEqual([]);
				expect(again.steps.every((s) => s.status === 'done')).toBe(true);
				expect(await fingerprint(env.containerPostgres, db.name)).toEqual(original);
				await withRedis(env.containerRedis.port, async (r) => expect(await r.hgetall('n8n:hash')).toEqual({ a: '1', b: '2' }));
				expect(await volumeFile('hello.txt')).toBe('hello\n');
				expect((await n8nState()).Running).toBe(true);
			},
		);
	});
});
