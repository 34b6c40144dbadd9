import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { readManifest, sha256File } from '../../core';
import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { runNode } from '../support/n8nNodeHarness';
import { useScratchDatabase } from '../support/scratchDatabase';
import { useTempDir } from '../support/tempDir';
import { testEnv } from '../support/testEnv';

const env = testEnv();

describe("Postgres Dump node in n8n-core's execute context", () => {
	const tmp = useTempDir();
	const scratch = useScratchDatabase(env.containerPostgres, { n8nFixture: true });
	const node = new PostgresDump();

	const credentials = () => ({
		stackBackupPostgresApi: { ...scratch.db().connection, ssl: 'disable' },
		stackBackupDockerApi: { connection: 'socket', socketPath: env.dockerSocket },
	});
	const parameters = (extra: Record<string, unknown> = {}) => ({
		method: 'docker',
		containerName: 'postgres',
		format: 'plain',
		backupRoot: tmp.path(),
		setName: 'n8n-postgres',
		compression: 'zstd',
		n8nSkipExecutions: true,
		options: {},
		...extra,
	});

	it('outputs one item per input item, paired with it, with set path, artifact, sha256, duration and inventory', async () => {
		const [out] = await runNode(node, {
			parameters: parameters(),
			credentials: credentials(),
			items: [{ json: { a: 1 } }, { json: { a: 2 } }],
			executionId: '1234',
		});
		expect(out).toHaveLength(2);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const first = out[0].json as {
			path: string;
			artifacts: Array<{ file: string; sha256: string; compression: string }>;
			durationMs: number;
			inventory: unknown;
		};
		expect(first.artifacts[0].compression).toBe('zstd');
		expect(await sha256File(join(first.path, first.artifacts[0].file))).toBe(first.artifacts[0].sha256);
		expect(first.durationMs).toBeGreaterThan(0);
		expect(first.inventory).toEqual({
			database: scratch.db().name,
			tables: 8,
			rows: 42 + 2 + 2 + 25 /* workflows, credentials, migrations, audit log: execution rows left out */,
			n8n: { workflows: 42, credentials: 2, lastMigration: 'AddWorkflowPublishing1760000000000' },
		});
		expect((await readManifest(first.path)).runId).toBe('1234');
	});

	it('with continueOnFail, a failure becomes an error item with code and hint, paired with its input', async () => {
		const [out] = await runNode(node, {
			parameters: parameters({ containerName: 'no-such-container' }),
			credentials: credentials(),
			continueOnFail: true,
			items: [{ json: {} }],
		});
		expect(out).toEqual([
			{
				json: { error: expect.stringMatching(/no-such-container/), code: 'CONTAINER_NOT_FOUND', hint: expect.stringMatching(/docker ps/) },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('without continueOnFail, a failure throws a NodeOperationError carrying the hint and the item index', async () => {
		const error = await runNode(node, {
			parameters: parameters({ setName: '../escape' }),
			credentials: credentials(),
			items: [{ json: {} }],
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/Invalid set name.*\[INVALID_INPUT\]/);
		expect(error.description).toMatch(/letters, digits/);
		expect(error.context.itemIndex).toBe(0);
		expect(existsSync(join(tmp.path(), '..', 'escape'))).toBe(false);
	});

	it('options are checked in core, whatever the panel allowed: an expression giving 250 for Max Shrink (%) is refused, naming the field', async () => {
		const error = await runNode(node, {
			parameters: parameters({ options: { maxShrinkPercent: '={{ 250 }}' } }),
			credentials: credentials(),
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The largest shrink to accept, in percent must be a number from 0 to 100, not 250 [INVALID_INPUT]');
		expect(error.description).toBe('Give a number from 0 to 100. Field: "Max Shrink (%)".');
		expect(existsSync(join(tmp.path(), 'n8n-postgres'))).toBe(false);
	});

	it('a comma-separated filter is split in core the same way the CLI splits it, quotes kept', async () => {
		const [out] = await runNode(node, {
			parameters: parameters({ options: { excludeTableData: 'public.execution_data, "public"."no, such"' } }),
			credentials: credentials(),
		});
		const manifest = await readManifest(out[0].json.path as string);
		expect((manifest.sources.postgres as { filters: { excludeTableData: string[] } }).filters.excludeTableData).toEqual(
			expect.arrayContaining(['public.execution_data', '"public"."no, such"']),
		);
	});

	it("refuses a backup root that n8n's file-access restriction blocks, naming the variable to set", async () => {
		const error = await runNode(node, {
			parameters: parameters({ backupRoot: '/var/lib/somewhere-else' }),
			credentials: credentials(),
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/does not allow this node to write to \/var\/lib\/somewhere-else/);
		expect(error.description).toMatch(/N8N_RESTRICT_FILE_ACCESS_TO/);
		expect(existsSync('/var/lib/somewhere-else')).toBe(false);
	});

	it('runs the local pg_dump method with the same output shape', async () => {
		const [out] = await runNode(node, {
			parameters: parameters({ method: 'local', format: 'custom', compression: 'gzip' }),
			credentials: { stackBackupPostgresApi: { ...scratch.db().connection, ssl: 'disable' } },
		});
		expect(out[0].json).toMatchObject({
			set: 'n8n-postgres',
			artifacts: [
				{ format: 'custom', compression: 'gzip' },
				{ file: 'workflows.json', format: 'n8n-export', compression: 'none' },
			],
		});
	});
});
