import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NodeOperationError } from 'n8n-workflow';
import { BackupReport } from '../../nodes/BackupReport/BackupReport.node';
import { runNode } from '../support/n8nNodeHarness';
import { writeSyntheticSet } from '../support/syntheticSets';
import { useTempDir } from '../support/tempDir';

describe("Backup Report node in n8n-core's execute context", () => {
	const tmp = useTempDir();
	const node = new BackupReport();
	const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

	it('reports the newest complete set of each name once, and writes backup_report.json (0600) in the root', async () => {
		writeSyntheticSet(tmp.path(), 'n8n-postgres', hoursAgo(30));
		const newest = writeSyntheticSet(tmp.path(), 'n8n-postgres', hoursAgo(2));
		writeSyntheticSet(tmp.path(), 'n8n-postgres', hoursAgo(1), { complete: false });
		writeSyntheticSet(tmp.path(), 'n8n-data', hoursAgo(3));
		const [out] = await runNode(node, {
			parameters: { backupRoot: tmp.path(), setNames: 'n8n-postgres, n8n-data', reportFile: 'backup_report.json', maxAgeHours: 0 },
			credentials: {},
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({
			sets: [
				{ set: 'n8n-postgres', path: newest, ageHours: 2 },
				{ set: 'n8n-data', ageHours: 3 },
			],
			stale: [],
		});
		const file = join(tmp.path(), 'backup_report.json');
		expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
			sets: [{ set: 'n8n-postgres' }, { set: 'n8n-data' }],
			totalBytes: expect.any(Number),
		});
		expect(statSync(file).mode & 0o777).toBe(0o600);
	});

	it('as a watchdog: fails with NO_RECENT_BACKUP when a set has nothing newer than the limit', async () => {
		writeSyntheticSet(tmp.path(), 'n8n-postgres', hoursAgo(27));
		writeSyntheticSet(tmp.path(), 'n8n-data', hoursAgo(1));
		const error = await runNode(node, {
			parameters: { backupRoot: tmp.path(), setNames: 'n8n-postgres\nn8n-data\nn8n-redis', reportFile: '', maxAgeHours: 26 },
			credentials: {},
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(
			/No complete backup newer than 26 h: n8n-postgres \(newest 27 h old\), n8n-redis \(no complete set at all\) \[NO_RECENT_BACKUP\]/,
		);
		expect(error.description).toMatch(/published/);
	});
});
