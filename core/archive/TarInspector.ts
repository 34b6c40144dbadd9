import type { Stats } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { STAGE_BUFFER_BYTES } from './stageBuffer';

export interface TarContents {
	files: number;
	directories: number;
	symlinks: number;
	/** Sum of regular file sizes. */
	bytes: number;
	/** Text of small files whose path the caller asked to capture (e.g. n8n's config). */
	captured: Record<string, string>;
	/** Every path seen whose basename the caller asked to note (e.g. database.sqlite-wal). */
	noted: string[];
}

// Whole files up to this size are captured; of a larger one asked for by captureTail, its last this many bytes.
const CAPTURE_LIMIT = 64 * 1024;

/**
 * Passes a tar stream through unchanged while a side parser reads its
 * headers: counts for the manifest, and the few small files n8n awareness
 * needs. Bodies are skipped, so this costs little more than the copy.
 */
export class TarInspector extends Transform {
	readonly contents: TarContents = { files: 0, directories: 0, symlinks: 0, bytes: 0, captured: {}, noted: [] };
	private readonly parser: Parser;
	private parseError: Error | undefined;

	constructor(
		options: {
			capture?: (path: string) => boolean;
			note?: (path: string) => boolean;
			/** Files of any size whose last TAIL_BYTES to keep (a base backup's backup_manifest ends with its WAL range). */
			captureTail?: (path: string) => boolean;
		} = {},
	) {
		super({ highWaterMark: STAGE_BUFFER_BYTES });
		this.parser = new Parser({
			// Every header is counted here; only the few files to capture are read any further:
			// the bodies of the rest are skipped without being handed out chunk by chunk.
			filter: (_path: string, entry: ReadEntry | Stats) => {
				const header = entry as ReadEntry;
				const path = header.path.replace(/^\.\//, '');
				if (header.type === 'File' || header.type === 'OldFile' || header.type === 'ContiguousFile') {
					this.contents.files++;
					this.contents.bytes += header.size ?? 0;
				} else if (header.type === 'Directory') this.contents.directories++;
				else if (header.type === 'SymbolicLink') this.contents.symlinks++;
				if (options.note?.(path)) this.contents.noted.push(path);
				if (header.type !== 'File') return false;
				return ((header.size ?? 0) <= CAPTURE_LIMIT && Boolean(options.capture?.(path))) || Boolean(options.captureTail?.(path));
			},
			onReadEntry: (entry: ReadEntry) => {
				const path = entry.path.replace(/^\.\//, '');
				let kept = Buffer.alloc(0);
				// Only a tail is kept, whatever the file's size: memory stays flat.
				entry.on('data', (c: Buffer) => (kept = Buffer.concat([kept, c]).subarray(-CAPTURE_LIMIT)));
				entry.on('end', () => (this.contents.captured[path] = kept.toString('utf8')));
			},
		});
		this.parser.on('error', (e: Error) => (this.parseError = e));
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
		this.parser.write(chunk);
		callback(this.parseError, chunk);
	}

	_flush(callback: TransformCallback) {
		this.parser.end();
		callback(this.parseError);
	}
}
