import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { openPlace, childPlace } from '../../../core';
import type { Place } from '../../../core/storage/Storage';
import { PART_SIZE } from '../../../core/storage/s3Storage';
import { useTempDir } from '../../support/tempDir';
import { useTestBucket } from '../../support/s3Bucket';

// One contract, two storages: what backupSet, retention, verify and restore rely on holds for a
// folder and for a bucket alike.
const tmp = useTempDir('storage-contract-');
const bucket = useTestBucket();
let n = 0;
const storages: Array<[string, () => Place]> = [
	['a local folder', () => openPlace(`${tmp.path()}/root`, 'root')],
	['an S3 bucket', () => bucket.place(`contract-${++n}`)],
];

function failingSource(afterBytes: number): Readable {
	let sent = 0;
	return new Readable({
		read() {
			if (sent >= afterBytes) {
				this.destroy(new Error('the source broke'));
				return;
			}
			sent += 65536;
			this.push(Buffer.alloc(65536, 7));
		},
	});
}

describe.each(storages)('storage contract on %s', (_name, rootOf) => {
	it('writes a stream whole, reads it back, lists, stats and removes it', async () => {
		const root = rootOf();
		const run = childPlace(root, 'set', 'run');
		expect(await root.storage.makeFolder(run.key)).toBe(true);
		const file = childPlace(run, 'a.txt');
		await file.storage.write(file.key, [Readable.from([Buffer.from('hello '), Buffer.from('world')])]);
		expect(await text(file.storage.read(file.key))).toBe('hello world');
		expect(await file.storage.stat(file.key)).toMatchObject({ kind: 'file', size: 11 });
		expect(await root.storage.stat(childPlace(root, 'set').key)).toMatchObject({ kind: 'folder' });
		expect((await run.storage.list(run.key)).map((e) => [e.name, e.kind, e.size])).toEqual([['a.txt', 'file', 11]]);
		expect((await root.storage.list(childPlace(root, 'set').key)).map((e) => [e.name, e.kind])).toEqual([['run', 'folder']]);
		expect(await root.storage.makeFolder(run.key)).toBe(false);
		await file.storage.remove(file.key);
		expect(await file.storage.stat(file.key)).toBeNull();
		expect(await file.storage.readText(file.key)).toBeNull();
		expect(await root.storage.list(childPlace(root, 'nothing-here').key)).toEqual([]);
	});

	it('a source that fails mid-stream leaves nothing under the name, and no unfinished upload', async () => {
		const root = rootOf();
		const run = childPlace(root, 'set', 'run');
		await root.storage.makeFolder(run.key);
		const file = childPlace(run, 'big.bin');
		// Past one part, so a bucket has a multipart upload under way when the source breaks.
		await expect(file.storage.write(file.key, [failingSource(PART_SIZE + 3 * 1048576)])).rejects.toThrow(/the source broke/);
		expect(await file.storage.stat(file.key)).toBeNull();
		expect((await run.storage.list(run.key)).map((e) => e.name)).toEqual([]);
		expect(await root.storage.unfinishedUploads(root.key)).toEqual([]);
		if (root.storage.kind === 's3') expect(await bucket.unfinishedUploads()).toEqual([]);
	});

	it('a lock is held by one run at a time, names its holder, and a run that lost it cannot pass assertHeld', async () => {
		const set = childPlace(rootOf(), 'locked-set');
		await set.storage.makeFolder(set.key);
		const first = await set.storage.lock(set.key, { runId: 'first', staleAfterMs: 60_000 });
		await expect(set.storage.lock(set.key, { runId: 'second' })).rejects.toMatchObject({
			code: 'BACKUP_LOCKED',
			message: expect.stringContaining('run first'),
		});
		await first.assertHeld();
		await first.release();
		const second = await set.storage.lock(set.key, { runId: 'second' });
		await expect(first.assertHeld()).rejects.toMatchObject({ code: 'BACKUP_LOCKED', message: expect.stringContaining('lost the lock') });
		await second.release();
		// The lock is not a run: the set folder lists nothing once it is released.
		expect(await set.storage.list(set.key)).toEqual([]);
	});
});

describe('a bucket', () => {
	it('stores a large stream as a multipart upload with the recorded part size, byte for byte', async () => {
		const place = bucket.place('multipart/set/run/big.bin');
		const size = 2 * PART_SIZE + 12345;
		const chunks = function* () {
			for (let sent = 0; sent < size; sent += 1048576) yield Buffer.alloc(Math.min(1048576, size - sent), sent % 251);
		};
		const report = await place.storage.write(place.key, [Readable.from(chunks())]);
		expect(report.partSize).toBe(PART_SIZE);
		const stored = await bucket.get('multipart/set/run/big.bin');
		expect(stored.length).toBe(size);
		expect(Buffer.compare(stored, Buffer.concat([...chunks()]))).toBe(0);
	});

	it('a stale lease is taken over, and the first holder then fails assertHeld', async () => {
		const set = bucket.place('stale/set');
		const frozen = await set.storage.lock(set.key, { runId: 'frozen', heartbeatMs: 3_600_000 });
		// Judged stale at once: the holder "froze" past its lease.
		const taker = await set.storage.lock(set.key, { runId: 'taker', staleAfterMs: -1 });
		await expect(frozen.assertHeld()).rejects.toMatchObject({ code: 'BACKUP_LOCKED' });
		await frozen.release();
		await taker.assertHeld();
		await taker.release();
	});
});
