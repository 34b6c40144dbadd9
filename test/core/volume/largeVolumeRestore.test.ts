import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupVolume, defaultCompression, restoreVolume } from '../../../core';
import { testDocker } from '../../support/dockerFixtures';
import { useTempDir } from '../../support/tempDir';
import { seedVolume } from '../../support/volumeFixtures';
import { testEnv } from '../../support/testEnv';

const env = testEnv();
const docker = { socketPath: env.dockerSocket };
const VOLUME = 'stack-test-large-volume';

// The benchmark's 500 MiB volume (about 14,000 small files in 50 folders, then 64 MiB files) once
// stalled its restore for good: node-tar's Pack, fed the parsed entries of the Engine's archive,
// stopped taking data near the end, and the run waited forever.
describe('a large volume restores into a Docker volume (regression: the restore stalled for good)', () => {
	const tmp = useTempDir();
	let tree: string;
	beforeAll(async () => {
		tree = mkdtempSync(join(tmpdir(), 'large-volume-'));
		execFileSync(process.execPath, [
			'--input-type=module',
			'-e',
			`import('${join(__dirname, '..', '..', '..', 'bench', 'data.mjs')}').then((m) => m.buildTree(process.argv[1], 500))`,
			tree,
		]);
		await seedVolume(VOLUME, tree);
	}, 180_000);
	afterAll(async () => {
		rmSync(tree, { recursive: true, force: true });
		await testDocker()
			.getVolume(VOLUME)
			.remove({ force: true })
			.catch(() => undefined);
	});

	it('500 MiB through the Engine: backed up, the volume removed, restored whole', async () => {
		const set = await backupVolume({
			root: tmp.path(),
			setName: 'large',
			source: { type: 'volume', volume: VOLUME, image: env.helperImage },
			docker,
			compression: defaultCompression(),
		});
		await testDocker().getVolume(VOLUME).remove({ force: true });
		const restored = await restoreVolume({
			setPath: set.path,
			target: { type: 'volume', volume: VOLUME, image: env.helperImage },
			overwrite: true,
			docker,
		});
		expect(restored.differences).toEqual([]);
		expect(restored.archive.files).toBe((set.inventory as { files: number }).files);
		expect(restored.archive.files).toBeGreaterThan(10_000);
	}, 180_000);
});
