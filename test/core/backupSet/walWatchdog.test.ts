import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportSets, type StackBackupError } from '../../../core';
import { runFolderName } from '../../../core/backupSet/runFolderName';
import { writeSyntheticSet } from '../../support/syntheticSets';
import { useTempDir } from '../../support/tempDir';

describe('watchdog: WAL collection that stopped advancing', () => {
	const tmp = useTempDir('wal-watchdog-');
	const now = new Date('2026-12-03T12:00:00Z');

	function setWithWal(name: string, newestBatch: Date | null) {
		writeSyntheticSet(tmp.path(), name, new Date('2026-12-03T02:00:00Z'));
		if (!newestBatch) return;
		const batches = join(tmp.path(), name, 'wal', 'batches');
		mkdirSync(batches, { recursive: true });
		writeFileSync(join(batches, `${runFolderName(new Date(newestBatch.getTime() - 300_000))}-aaaaaa.json`), '{}');
		writeFileSync(join(batches, `${runFolderName(newestBatch)}-bbbbbb.json`), '{}');
	}

	it('fails with WAL_STALLED when the newest batch of a set that collects WAL is older than the limit', async () => {
		setWithWal('n8n-postgres', new Date(now.getTime() - 31 * 60_000));
		setWithWal('n8n-redis', null);
		const error = (await reportSets({
			root: tmp.path(),
			setNames: 'n8n-postgres, n8n-redis',
			maxWalAgeMinutes: 30,
			now,
		}).catch((e: unknown) => e)) as StackBackupError;
		expect(error.code).toBe('WAL_STALLED');
		expect(error.message).toContain('n8n-postgres (newest batch 2026-12-03T11:29:00.000Z)');
		expect(error.message).not.toContain('n8n-redis');
	});

	it('passes while collection advances, and does not judge sets that collect no WAL', async () => {
		setWithWal('n8n-postgres', new Date(now.getTime() - 4 * 60_000));
		setWithWal('n8n-redis', null);
		const report = await reportSets({ root: tmp.path(), setNames: 'n8n-postgres, n8n-redis', maxWalAgeMinutes: 30, now });
		expect(report.walStalled).toEqual([]);
		expect(report.sets.map((s) => s.walCollectedAt)).toEqual(['2026-12-03T11:56:00.000Z', null]);
	});
});
