import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { childPlace, openPlace, pruneSets, type Place } from '../../../core';
import { MANIFEST_FORMAT } from '../../../core/backupSet/manifest';
import { runFolderName } from '../../../core/backupSet/runFolderName';
import { useTestBucket } from '../../support/s3Bucket';

const SEGMENT = 16 * 1024 * 1024;
const seg = (n: number) => `00000001000000000000${n.toString(16).toUpperCase().padStart(4, '0')}`;
const lsnAt = (n: number) => `0/${(n * SEGMENT + 0x28).toString(16).toUpperCase()}`;
const day = (d: number) => new Date(Date.UTC(2026, 10, d, 2, 0, 0));

async function write(place: Place, text: string) {
	if (place.storage.kind === 'local') await place.storage.makeFolder(dirname(place.key));
	await place.storage.writeText(place.key, text);
}

/** A set as base backups and WAL collection leave it: three base backups, segments 1 to 12, batches, a partial and a history file. */
async function writeStory(set: Place, options: { physical?: boolean } = {}) {
	const physical = options.physical ?? true;
	for (const [d, startSeg] of [
		[1, 3],
		[2, 6],
		[3, 9],
	] as const) {
		const run = childPlace(set, runFolderName(day(d)));
		const body = `base of day ${d}`;
		const file = physical ? 'base.tar' : 'n8n.sql';
		await write(childPlace(run, file), body);
		await write(
			childPlace(run, 'manifest.json'),
			JSON.stringify({
				format: MANIFEST_FORMAT,
				formatVersion: 1,
				tool: { name: 'n8n-stack-backup', version: 'test', node: process.version },
				set: 'pg',
				runId: null,
				host: 'test',
				startedAt: day(d).toISOString(),
				finishedAt: day(d).toISOString(),
				artifacts: [
					{
						file,
						kind: 'postgres',
						format: physical ? 'physical' : 'plain',
						compression: 'none',
						size: body.length,
						rawSize: body.length,
						sha256: createHash('sha256').update(body).digest('hex'),
					},
				],
				sources: {
					postgres: physical
						? {
								format: 'physical',
								startLsn: lsnAt(startSeg),
								endLsn: lsnAt(startSeg),
								timeline: 1,
								walSegmentSize: SEGMENT,
								systemIdentifier: '7',
							}
						: { format: 'plain' },
				},
				inventory: {},
				warnings: [],
			}),
		);
	}
	const wal = childPlace(set, 'wal');
	for (let n = 1; n <= 12; n++) await write(childPlace(wal, '00000001', `${seg(n)}.zst`), `segment ${n}`);
	await write(childPlace(wal, '00000001', `${seg(4)}.partial-2026-11-01T03-00-00.000Z-abcdef.zst`), 'old partial');
	await write(childPlace(wal, '00000001', `${seg(12)}.partial-2026-11-03T09-00-00.000Z-123456.zst`), 'newest partial');
	await write(childPlace(wal, '00000002', '00000002.history.zst'), 'history');
	for (const d of [1, 2, 3]) {
		for (const hour of [1, 9]) {
			const at = new Date(Date.UTC(2026, 10, d, hour, 0, 0));
			await write(childPlace(wal, 'batches', `${runFolderName(at)}-00000${hour}.json`), '{}');
		}
	}
}

async function names(folder: Place): Promise<string[]> {
	return (await folder.storage.list(folder.key)).map((e) => e.name).sort();
}

describe.each([
	{ where: 'on disk', bucket: false },
	{ where: 'in a bucket', bucket: true },
])('WAL retention $where', ({ bucket }) => {
	const s3 = bucket ? useTestBucket() : null;
	let dir = '';
	let n = 0;
	let root: Place;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'wal-retention-'));
		root = s3 ? s3.place(`r${n++}`) : openPlace(dir, 'root');
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));
	const now = day(4);
	const segments = async () => (await names(childPlace(root, 'pg', 'wal', '00000001'))).filter((f) => !f.includes('partial'));

	it('WAL older than the oldest kept base backup start is pruned, with its batch records', async () => {
		await writeStory(childPlace(root, 'pg'));
		const result = await pruneSets({ root, setName: 'pg', policy: { keepLast: 2 }, now });
		expect(result.deleted).toBe(1);
		expect(result.wal).toMatchObject({ keptFrom: day(2).toISOString(), segments: 6, batches: 3 });
		expect(await segments()).toEqual([6, 7, 8, 9, 10, 11, 12].map((i) => `${seg(i)}.zst`));
		// Day 1's two batches go, and day 2's from 01:00 (an hour before its base backup, past the margin); its 09:00 one stays.
		expect(await names(childPlace(root, 'pg', 'wal', 'batches'))).toEqual([
			'2026-11-02T09-00-00.000Z-000009.json',
			'2026-11-03T01-00-00.000Z-000001.json',
			'2026-11-03T09-00-00.000Z-000009.json',
		]);
		expect(result.ignored).toEqual([]);
	});

	it('WAL that a kept base backup needs is never pruned: from its start segment on, the partial and history files included', async () => {
		await writeStory(childPlace(root, 'pg'));
		await pruneSets({ root, setName: 'pg', policy: { keepLast: 3 }, now });
		expect(await segments()).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => `${seg(i)}.zst`));
		expect(await names(childPlace(root, 'pg', 'wal', '00000001'))).toContain(`${seg(12)}.partial-2026-11-03T09-00-00.000Z-123456.zst`);
		expect(await names(childPlace(root, 'pg', 'wal', '00000002'))).toEqual(['00000002.history.zst']);
	});

	it('the last base backup and its WAL stay, even when the policy keeps one set', async () => {
		await writeStory(childPlace(root, 'pg'));
		const result = await pruneSets({ root, setName: 'pg', policy: { keepLast: 1 }, now });
		expect(result.sets.filter((s) => s.verdict === 'keep').map((s) => s.startedAt)).toEqual([day(3).toISOString()]);
		expect(await segments()).toEqual([9, 10, 11, 12].map((i) => `${seg(i)}.zst`));
		expect(await names(childPlace(root, 'pg', 'wal', '00000001'))).toContain(`${seg(12)}.partial-2026-11-03T09-00-00.000Z-123456.zst`);
	});

	it('without a kept base backup, WAL is never pruned', async () => {
		await writeStory(childPlace(root, 'pg'), { physical: false });
		const result = await pruneSets({ root, setName: 'pg', policy: { keepLast: 1 }, now });
		expect(result.wal).toEqual({ keptFrom: null, segments: 0, batches: 0, bytes: 0 });
		expect(await segments()).toHaveLength(12);
	});

	it('a dry run reports the WAL it would prune and deletes none', async () => {
		await writeStory(childPlace(root, 'pg'));
		const result = await pruneSets({ root, setName: 'pg', policy: { keepLast: 2 }, now, dryRun: true });
		expect(result.wal.segments).toBe(6);
		expect(await segments()).toHaveLength(12);
	});
});
