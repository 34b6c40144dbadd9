import { Header } from 'tar';

export interface RawEntry {
	path: string;
	type: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice';
	linkpath?: string;
	body?: string;
}

/**
 * A tar built header by header, so it can hold what no honest tool writes
 * (absolute paths, "..", links out): node-tar's Pack would sanitise them.
 */
export function rawTar(entries: RawEntry[]): Buffer {
	const blocks: Buffer[] = [];
	for (const e of entries) {
		const body = Buffer.from(e.body ?? '');
		const header = Buffer.alloc(512);
		new Header({
			path: e.path,
			type: e.type,
			linkpath: e.linkpath,
			size: e.type === 'File' ? body.length : 0,
			mode: e.type === 'Directory' ? 0o755 : 0o644,
			mtime: new Date(0),
			uid: 0,
			gid: 0,
		}).encode(header, 0);
		blocks.push(header);
		if (e.type === 'File' && body.length) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
	}
	blocks.push(Buffer.alloc(1024));
	return Buffer.concat(blocks);
}
