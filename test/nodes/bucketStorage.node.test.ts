import { BackupReport } from '../../nodes/BackupReport/BackupReport.node';
import { VolumeArchive } from '../../nodes/VolumeArchive/VolumeArchive.node';
import { PostgresDump } from '../../nodes/PostgresDump/PostgresDump.node';
import { Restore } from '../../nodes/Restore/Restore.node';
import { RetentionPrune } from '../../nodes/RetentionPrune/RetentionPrune.node';
import { runNode, testCredential } from '../support/n8nNodeHarness';
import { s3Settings, useTestBucket } from '../support/s3Bucket';
import { useScratchDatabase } from '../support/scratchDatabase';
import { testEnv } from '../support/testEnv';

const env = testEnv();

// The nodes with Storage: S3 Bucket and the Stack Backup S3 API credential, in n8n-core's execute context.
describe('the nodes on a bucket', () => {
	const bucket = useTestBucket();
	const scratch = useScratchDatabase(env.hostPostgres, { n8nFixture: true });
	const s3 = () => {
		const { endpoint, region, accessKeyId, secretAccessKey } = s3Settings();
		return { endpoint: endpoint!, region: region!, accessKeyId, secretAccessKey, forcePathStyle: true, caCertificate: '' };
	};
	const root = () => bucket.url('n8n');

	it('Postgres Dump writes its set into the bucket; Backup Report, Retention Prune and Stack Restore read it there', async () => {
		const dump = async () =>
			(
				await runNode(new PostgresDump(), {
					parameters: {
						method: 'local',
						format: 'plain',
						storage: 's3',
						bucketRoot: root(),
						setName: 'n8n-postgres',
						compression: 'zstd',
						n8nSkipExecutions: true,
						options: {},
					},
					credentials: { stackBackupPostgresApi: { ...scratch.db().connection, ssl: 'disable' }, stackBackupS3Api: s3() },
				})
			)[0][0].json as { path: string };
		const first = await dump();
		const second = await dump();
		expect(first.path).toMatch(new RegExp(`^s3://${bucket.name}/n8n/n8n-postgres/`));

		const [report] = await runNode(new BackupReport(), {
			parameters: { storage: 's3', bucketRoot: root(), setNames: 'n8n-postgres', reportFile: 'backup_report.json', maxAgeHours: 1 },
			credentials: { stackBackupS3Api: s3() },
		});
		expect(report[0].json).toMatchObject({ root: root().replace(/\/$/, ''), sets: [{ set: 'n8n-postgres', path: second.path }] });
		expect(await bucket.keys('n8n/backup_report.json')).toEqual(['n8n/backup_report.json']);

		const [listed] = await runNode(new Restore(), {
			parameters: { resource: 'workflow', operation: 'listWorkflows', storage: 's3', setFolder: `${root()}/n8n-postgres` },
			credentials: { stackBackupS3Api: s3() },
		});
		expect(listed.length).toBe(42);
		expect(listed[0].json).toMatchObject({ path: second.path });

		const [pruned] = await runNode(new RetentionPrune(), {
			parameters: { storage: 's3', bucketRoot: root(), setName: 'n8n-postgres', dryRun: false, keepDaily: 0, options: { keepLast: 1 } },
			credentials: { stackBackupS3Api: s3() },
		});
		expect(pruned.map((o) => [o.json.path, o.json.action])).toEqual([
			[second.path, 'kept'],
			[first.path, 'deleted'],
		]);
	});

	it("the S3 credential's Test button: good keys pass; a wrong secret fails naming the fix, without the secret", async () => {
		const node = new PostgresDump();
		await expect(testCredential(node, 'stackBackupS3ConnectionTest', 'stackBackupS3Api', s3())).resolves.toMatchObject({
			status: 'OK',
			message: expect.stringMatching(/^Connected to http:\/\/127\.0\.0\.1:\d+/),
		});
		const bad = await testCredential(node, 'stackBackupS3ConnectionTest', 'stackBackupS3Api', {
			...s3(),
			secretAccessKey: 'wrong-secret-xyz',
		});
		expect(bad).toEqual({ status: 'Error', message: expect.stringMatching(/refused the access key.*Check the access key id and secret/) });
		expect(bad.message).not.toContain('wrong-secret-xyz');
	});
});

describe('Volume Archive with an S3 Bucket source', () => {
	const bucket = useTestBucket();
	it('archives the objects under the prefix, with the source bucket credential, into a local set', async () => {
		await bucket.put('minio/a.txt', 'one');
		await bucket.put('minio/dir/b.txt', 'two');
		const { endpoint, region, accessKeyId, secretAccessKey } = s3Settings();
		const root = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'bucket-source-node-'));
		try {
			const [out] = await runNode(new VolumeArchive(), {
				parameters: {
					mode: 'bucket',
					sourceBucket: bucket.url('minio'),
					storage: 'local',
					backupRoot: root,
					setName: 'minio',
					compression: 'zstd',
					options: {},
				},
				credentials: {
					stackBackupS3SourceApi: { endpoint: endpoint!, region: region!, accessKeyId, secretAccessKey, forcePathStyle: true },
				},
			});
			expect(out[0].json).toMatchObject({ set: 'minio', inventory: { files: 2, bucket: { objects: 2, url: bucket.url('minio') } } });
		} finally {
			require('node:fs').rmSync(root, { recursive: true, force: true });
		}
	});
});
