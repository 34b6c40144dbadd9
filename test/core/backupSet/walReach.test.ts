import { timelineChain, walReach, type WalBatch, type WalFileRecord } from '../../../core/backupSet/walArchive';
import { parseLsn } from '../../../core/backupSet/walPosition';

const SIZE = 16 * 1024 * 1024;
const seg = (tl: number, n: number) => `${tl.toString(16).padStart(8, '0')}00000000${n.toString(16).toUpperCase().padStart(8, '0')}`;
const lsn = (n: number, offset = 0x100) => `0/${(n * SIZE + offset).toString(16).toUpperCase()}`;

function file(name: string, timeline: number, partial = false, endLsn?: string): WalFileRecord {
	return {
		file: `${name}.zst`,
		name,
		timeline,
		partial,
		endLsn,
		kind: 'wal',
		format: 'segment',
		compression: 'zstd',
		size: 1,
		rawSize: SIZE,
		sha256: 'x',
	};
}

function batch(at: string, timeline: number, reached: string, files: WalFileRecord[]): WalBatch {
	return {
		format: 'n8n-stack-backup/wal-batch',
		formatVersion: 1,
		set: 'pg',
		collectedAt: at,
		timeline,
		lsn: reached,
		systemIdentifier: '7',
		serverVersion: '15',
		walSegmentSize: SIZE,
		slot: 's',
		files,
		workflows: null,
		tool: 'test',
	};
}

const base = { timeline: 1, startLsn: parseLsn(lsn(2)), segmentSize: SIZE, systemIdentifier: '7' };

describe('walReach: how far WAL reaches from a base backup', () => {
	it('follows a point-in-time recovery onto the new timeline, and ignores the abandoned branch', () => {
		// Timeline 1 ran to segment 5; a recovery to a moment in segment 4 started timeline 2 there.
		const batches = [
			batch('2026-12-01T10:00:00Z', 1, lsn(3), [file(seg(1, 2), 1), file(seg(1, 3), 1, true, lsn(3))]),
			batch('2026-12-01T10:05:00Z', 1, lsn(5), [file(seg(1, 3), 1), file(seg(1, 4), 1), file(seg(1, 5), 1, true, lsn(5))]),
			batch('2026-12-01T11:00:00Z', 2, lsn(6), [
				file('00000002.history', 2),
				file(seg(2, 4), 2),
				file(seg(2, 5), 2),
				file(seg(2, 6), 2, true, lsn(6)),
			]),
		];
		const chain = timelineChain(1, 2, `1\t${lsn(4, 0x5000)}\tbefore 2026-12-01 10:02:00+00\n`);
		expect(chain).toEqual([
			{ timeline: 1, until: parseLsn(lsn(4, 0x5000)) },
			{ timeline: 2, until: null },
		]);
		const reach = walReach(batches, base, () => true, chain!);
		expect(reach.files.map((f) => f.name)).toEqual([seg(1, 2), seg(1, 3), seg(2, 4), seg(2, 5), seg(2, 6)]);
		expect(reach.histories.map((f) => f.name)).toEqual(['00000002.history']);
		expect(reach.gapAt).toBeNull();
		expect(reach.lastBatch?.collectedAt).toBe('2026-12-01T11:00:00Z');
		// Without the chain, the base backup's own timeline only: the branch that was abandoned.
		const alone = walReach(batches, base);
		expect(alone.files.map((f) => f.name)).toEqual([seg(1, 2), seg(1, 3), seg(1, 4), seg(1, 5)]);
	});

	it('a base backup on another branch than the newest timeline is not followed onto it', () => {
		expect(timelineChain(3, 2, `1\t${lsn(4)}\tx\n`)).toBeNull();
	});

	it('reports a hole on the new timeline as the first missing segment', () => {
		const batches = [
			batch('2026-12-01T10:00:00Z', 1, lsn(3), [file(seg(1, 2), 1), file(seg(1, 3), 1, true, lsn(3))]),
			batch('2026-12-01T11:00:00Z', 2, lsn(7), [file(seg(1, 3), 1), file(seg(2, 5), 2), file(seg(2, 6), 2)]),
		];
		const reach = walReach(batches, base, () => true, timelineChain(1, 2, `1\t${lsn(4)}\tx\n`)!);
		expect(reach.gapAt).toBe(seg(2, 4));
		expect(reach.lastBatch?.collectedAt).toBe('2026-12-01T10:00:00Z');
	});
});
