import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE20, runCli } from '../support/runCli';
import { useTempDir } from '../support/tempDir';

// Debian 12's Node 20 has no zstd in node:zlib; a rebuilt host may have only that Node.
describe("the CLI on Debian's Node 20 reads zstd sets through the zstd program", () => {
	const tmp = useTempDir();

	async function zstdSet(): Promise<string> {
		const file = join(tmp.path(), 'stack', '.env');
		mkdirSync(join(tmp.path(), 'stack'));
		writeFileSync(file, 'N8N_ENCRYPTION_KEY=made-on-node-24\n');
		// Made on Node 24, with zstd, as n8n 2.x makes every set.
		const backup = await runCli(['backup', 'files', '--root', join(tmp.path(), 'b'), '--set', 'config', '--file', file]);
		expect(backup.code).toBe(0);
		expect(backup.json.artifacts[0].compression).toBe('zstd');
		return backup.json.path;
	}

	it('restores a zstd set on Node 20 with the zstd program on PATH', async () => {
		const set = await zstdSet();
		const out = join(tmp.path(), 'restored');
		const restore = await runCli(['restore', set, '--dir', out], { node: NODE20 });
		expect(restore.code).toBe(0);
		expect(readFileSync(join(out, '.env'), 'utf8')).toBe('N8N_ENCRYPTION_KEY=made-on-node-24\n');
	});

	it('without the zstd program, says to install it (or to use a newer Node), and writes nothing', async () => {
		const set = await zstdSet();
		const out = join(tmp.path(), 'restored');
		const restore = await runCli(['restore', set, '--dir', out], { node: NODE20, env: { PATH: '/nonexistent' } });
		expect(restore.code).not.toBe(0);
		expect(restore.stderr).toMatch(/cannot read zstd, and the zstd program is not installed/);
		expect(restore.stderr).toMatch(/Install zstd \(Debian: apt-get install zstd\), or use Node\.js 22\.15 or newer/);
		expect(() => readFileSync(join(out, '.env'))).toThrow();
	});
});
