import { openPlace } from '../../../core';
import { PART_SIZE } from '../../../core/storage/s3Storage';
import { s3Settings, useTestBucket } from '../../support/s3Bucket';
import { useS3Proxy } from '../../support/s3Proxy';
import { generatedBytes, writeOneArtifactSet } from '../../support/oneArtifactSet';

describe('what we send to an S3 server', () => {
	const bucket = useTestBucket();
	const proxy = useS3Proxy();

	it('every part and every object sent carries a Content-MD5 of its bytes, so the server refuses damage in transit', async () => {
		const root = openPlace(bucket.url('md5'), 'root', s3Settings({ endpoint: proxy.endpoint() }));
		await writeOneArtifactSet(root, 'n8n-postgres', generatedBytes(PART_SIZE + 5 * 1048576), { baseName: 'big.bin' });
		const writes = proxy.seen.filter((r) => r.method === 'PUT' && r.bodyBytes > 0);
		const parts = writes.filter((r) => /[?&]partNumber=/.test(r.url));
		expect(parts).toHaveLength(2);
		// The manifest and the lock are single PutObjects.
		expect(writes.length).toBeGreaterThan(parts.length);
		for (const write of writes) expect(write.headers['content-md5']).toBe(write.bodyMd5);
	});
});

describe('a server that ignores If-None-Match', () => {
	const bucket = useTestBucket();
	const proxy = useS3Proxy({ ignoreConditions: true });

	it('is detected at the first lock, and a warning says what protects the run instead; the set is still written', async () => {
		const warnings: string[] = [];
		const root = openPlace(bucket.url('nocond'), 'root', s3Settings({ endpoint: proxy.endpoint() }));
		await writeOneArtifactSet(root, 'n8n-postgres', 'a', { log: { info: () => undefined, warn: (m) => warnings.push(m) } });
		expect(warnings).toEqual([
			expect.stringMatching(
				/ignores conditional writes.*checks, just before writing its manifest, that the lock still holds its own token/,
			),
		]);
		expect((await bucket.keys('nocond/')).filter((k) => k.endsWith('manifest.json'))).toHaveLength(1);
	});
});
