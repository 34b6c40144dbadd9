import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE20, runCli } from '../support/runCli';
import { useTempDir } from '../support/tempDir';

const REPO = join(__dirname, '..', '..');

// `npm start` prints the command that verifies the set it made; a user pastes it into a new
// shell, where `node` is Debian's Node 20 (n8n's Node 24 lives only inside the demo).
describe('the verify command the demo prints works as printed', () => {
	const tmp = useTempDir();

	it("on Debian's Node 20, on a zstd set made by Node 24, from a path with a space in it", async () => {
		const home = join(tmp.path(), 'n8n home');
		mkdirSync(join(home, '.n8n'), { recursive: true });
		writeFileSync(join(home, '.n8n', 'config'), '{"encryptionKey":"demo"}\n');
		const backup = await runCli(['backup', 'volume', '--root', join(tmp.path(), 'my backups'), '--set', 'n8n-home', '--dir', home]);
		expect(backup.code).toBe(0);
		expect(backup.json.artifacts[0].compression).toBe('zstd');

		const summary = execFileSync(NODE20, ['scripts/demo-summary.js', backup.json.path], { cwd: REPO, encoding: 'utf8' });
		const printed = /verify or restore it: (.+)$/m.exec(summary)?.[1];
		expect(printed).toMatch(/^node dist\/bin\/n8n-stack-backup\.js verify '.+' --drill$/);

		const run = spawnSync('bash', ['-c', printed!], { cwd: REPO, env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
		expect(execFileSync('bash', ['-c', 'node --version'], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' })).toMatch(/^v20\./);
		expect(run.stderr).not.toMatch(/cannot read zstd/);
		expect(run.status).toBe(0);
		expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ verdict: 'pass' });
	});
});
