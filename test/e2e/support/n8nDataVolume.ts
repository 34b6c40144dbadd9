import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDocker } from '../../support/dockerFixtures';
import { testEnv } from '../../support/testEnv';

/**
 * A compose stack's n8n data volume, used by a (stopped) n8n container as in a real stack:
 * n8n's config file with its encryption key, and a binary-data file. Made anew each time;
 * the returned function removes the container (the volume stays for the next run to replace).
 */
export async function seedN8nDataVolume(volume: string, container: string): Promise<() => Promise<void>> {
	const docker = testDocker();
	await docker
		.getContainer(container)
		.remove({ force: true })
		.catch(() => undefined);
	await docker
		.getVolume(volume)
		.remove({ force: true })
		.catch(() => undefined);
	await docker.createVolume({ Name: volume, Labels: { 'io.stack-backup-testenv': '1' } });
	const n8nContainer = await docker.createContainer({
		name: container,
		Image: testEnv().helperImage,
		Cmd: ['true'],
		Labels: { 'io.stack-backup-testenv': '1' },
		HostConfig: { Binds: [`${volume}:/home/node/.n8n`], NetworkMode: 'none' },
	});
	await n8nContainer.putArchive(execFileSync('tar', ['-C', n8nFolder(), '-c', '.']), { path: '/home/node/.n8n' });
	return () => n8nContainer.remove({ force: true }).catch(() => undefined);
}

function n8nFolder(): string {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-volume-'));
	writeFileSync(join(dir, 'config'), JSON.stringify({ encryptionKey: 'stack-backup-e2e-encryption-key-0001' }));
	mkdirSync(join(dir, 'binaryData'));
	writeFileSync(join(dir, 'binaryData', 'file.bin'), Buffer.alloc(1024, 7));
	return dir;
}
