import { execFileSync, spawn } from 'node:child_process';
import {
	chmodSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ArtifactRecord } from '../../core';
import { testDocker } from './dockerFixtures';
import { testEnv } from './testEnv';

/** A host folder with the kinds of things volumes hold: modes, nesting, a symlink, binary data, odd names. */
export function makeTree(extra: (dir: string) => void = () => undefined): string {
	const dir = mkdtempSync(join(tmpdir(), 'tree-'));
	mkdirSync(join(dir, 'sub dir/nested'), { recursive: true });
	mkdirSync(join(dir, 'cache'), { recursive: true });
	writeFileSync(join(dir, 'hello.txt'), 'hello\n');
	writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n');
	chmodSync(join(dir, 'run.sh'), 0o755);
	writeFileSync(join(dir, 'private.key'), 'secret-ish\n');
	chmodSync(join(dir, 'private.key'), 0o600);
	writeFileSync(join(dir, 'sub dir/nested/data.bin'), Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7) % 256)));
	writeFileSync(join(dir, 'cache/big.tmp'), 'x'.repeat(5000));
	writeFileSync(join(dir, 'app.log'), 'log line\n');
	symlinkSync('hello.txt', join(dir, 'link-to-hello'));
	extra(dir);
	return dir;
}

/** path -> "mode content-or-link" for every entry below dir. */
export function describeTree(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const p = join(d, name);
			const st = lstatSync(p);
			const rel = relative(dir, p);
			if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
			else if (st.isDirectory()) {
				out[rel] = `dir ${(st.mode & 0o777).toString(8)}`;
				walk(p);
			} else out[rel] = `${(st.mode & 0o777).toString(8)} ${readFileSync(p).toString('base64')}`;
		}
	};
	walk(dir);
	return out;
}

/** (Re)creates a named volume and fills it from `dir` through the archive API, the way a restore will. */
export async function seedVolume(name: string, dir: string): Promise<void> {
	const docker = testDocker();
	await docker
		.getVolume(name)
		.remove({ force: true })
		.catch(() => undefined);
	await docker.createVolume({ Name: name, Labels: { 'io.stack-backup-testenv': '1' } });
	const helper = await docker.createContainer({
		Image: testEnv().helperImage,
		Cmd: ['true'],
		HostConfig: { Binds: [`${name}:/v`], NetworkMode: 'none' },
	});
	try {
		// Streamed: a volume of any size, never whole in memory.
		await helper.putArchive(spawn('tar', ['-C', dir, '-c', '.']).stdout, { path: '/v' });
	} finally {
		await helper.remove({ force: true });
	}
}

/** Lists the archive with GNU tar, extracts it, and describes what came out. */
export function extractWithGnuTar(setDir: string, artifact: ArtifactRecord): { listing: string[]; tree: Record<string, string> } {
	const file = join(setDir, artifact.file);
	const flag = artifact.compression === 'zstd' ? ['--zstd'] : artifact.compression === 'gzip' ? ['-z'] : [];
	const listing = execFileSync('tar', [...flag, '-tf', file], { encoding: 'utf8' })
		.trim()
		.split('\n');
	const out = mkdtempSync(join(tmpdir(), 'extract-'));
	try {
		execFileSync('tar', [...flag, '-xpf', file, '-C', out]);
		return { listing, tree: describeTree(out) };
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
}
