import { listBatchFiles, walBatchesFolder, walFolder } from '../backupSet/walArchive';
import { parseLsn, parseSegmentName, segmentNumber } from '../backupSet/walPosition';
import type { Logger } from '../logging/Logger';
import { childPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import type { Manifest } from '../backupSet/manifest';

export interface WalPruneReport {
	/** The base backup whose start bounds what is kept (the oldest kept one), or null when WAL was left alone. */
	keptFrom: string | null;
	segments: number;
	batches: number;
	bytes: number;
}

// Batches this much older than the oldest kept base backup stay: recovery reads them (pitrPlan).
const BATCH_MARGIN_MS = 15 * 60 * 1000;

/**
 * WAL retention follows the base backups retention kept: WAL that lies wholly before the oldest
 * kept base backup's start is no use to any of them and goes; everything from that segment on
 * stays, for every timeline. With no base backup kept, nothing is pruned: WAL is never judged
 * alone. History files are a few bytes and always stay.
 */
export async function pruneWal(
	set: Place,
	kept: ReadonlyArray<{ manifest: Manifest; startedAt: Date }>,
	options: { dryRun: boolean; log: Logger },
): Promise<WalPruneReport> {
	const report: WalPruneReport = { keptFrom: null, segments: 0, batches: 0, bytes: 0 };
	const bases = kept
		.map((k) => ({ startedAt: k.startedAt, source: k.manifest.sources.postgres as Record<string, unknown> | undefined }))
		.filter((b) => b.source?.format === 'physical')
		.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
	if (!bases.length) return report;
	const oldest = bases[0];
	const segmentSize = Number(oldest.source!.walSegmentSize);
	const cutoff = segmentNumber(parseLsn(String(oldest.source!.startLsn)), segmentSize);
	report.keptFrom = oldest.startedAt.toISOString();
	const wal = walFolder(set);
	// A symlinked wal folder could lead deletions out of the backup root: never followed.
	if ((await wal.storage.stat(wal.key))?.kind === 'other') return report;
	for (const timeline of await wal.storage.list(wal.key)) {
		if (timeline.kind !== 'folder' || !/^[0-9A-F]{8}$/.test(timeline.name)) continue;
		const folder = childPlace(wal, timeline.name);
		for (const entry of await folder.storage.list(folder.key)) {
			const segment = entry.kind === 'file' ? parseSegmentName(entry.name.slice(0, 24), segmentSize) : null;
			// Only our own names: a segment, or a partial copy of one, with its compression or age extension.
			if (!segment || !/^[0-9A-F]{24}(\.partial-[0-9TZ.-]+-[0-9a-f]{6})?(\.zst|\.gz)?(\.age)?$/.test(entry.name)) continue;
			if (segment.segno >= cutoff) continue;
			if (!options.dryRun) await folder.storage.remove(childPlace(folder, entry.name).key);
			report.segments++;
			report.bytes += entry.size;
		}
	}
	const batches = walBatchesFolder(set);
	for (const batch of await listBatchFiles(set)) {
		if (batch.at.getTime() >= oldest.startedAt.getTime() - BATCH_MARGIN_MS) continue;
		if (!options.dryRun) await batches.storage.remove(childPlace(batches, batch.name).key);
		report.batches++;
	}
	if (report.segments || report.batches) {
		options.log.info(
			`${options.dryRun ? 'Would prune' : 'Pruned'} ${report.segments} WAL file(s) and ${report.batches} batch record(s) older than the base backup of ${report.keptFrom}`,
		);
	}
	return report;
}
