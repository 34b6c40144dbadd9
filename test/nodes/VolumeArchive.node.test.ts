import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { VolumeArchive } from '../../nodes/VolumeArchive/VolumeArchive.node';
import { runNode } from '../support/n8nNodeHarness';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';
import { makeTree, seedVolume } from '../support/volumeFixtures';

const env = testEnv();

describe("Volume Archive node in n8n-core's execute context", () => {
	const tmp = useTempDir();
	const node = new VolumeArchive();
	let tree: string;
	beforeEach(() => {
		tree = makeTree();
	});
	afterEach(() => rmSync(tree, { recursive: true, force: true }));
	const base = () => ({ backupRoot: join(tmp.path(), 'backups'), setName: 'n8n-data', compression: 'zstd' });

	it('volume mode: one paired item per input item with counts', async () => {
		await seedVolume('stack_node_vol', tree);
		const [out] = await runNode(node, {
			parameters: {
				...base(),
				mode: 'volume',
				volumeName: 'stack_node_vol',
				options: { helperImage: env.helperImage, excludes: '*.log' },
			},
			credentials: { stackBackupDockerApi: { connection: 'socket', socketPath: env.dockerSocket } },
			items: [{ json: {} }, { json: {} }],
		});
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toMatchObject({ artifacts: [{ file: 'volume-stack_node_vol.tar.zst', format: 'tar' }], inventory: { files: 5 } });
	});

	it('files mode, and a folder outside N8N_RESTRICT_FILE_ACCESS_TO is refused with the variable to set', async () => {
		const [out] = await runNode(node, {
			parameters: { ...base(), mode: 'files', files: `${join(tree, 'hello.txt')}\n${join(tree, 'run.sh')}`, optionalFiles: '' },
			credentials: {},
		});
		expect((out[0].json as { artifacts: unknown[] }).artifacts).toHaveLength(2);
		const error = await runNode(node, {
			parameters: { ...base(), mode: 'dir', folderPath: '/etc', options: {} },
			credentials: {},
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/does not allow this node to read \/etc/);
		expect(error.description).toMatch(/N8N_RESTRICT_FILE_ACCESS_TO/);
	});
});
