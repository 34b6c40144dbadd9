import type { Readable, Transform } from 'node:stream';
import { AGE_EXTENSION, encryptionRecord, type EncryptionOptions } from '../archive/ageKeys';
import { createAgeEncryptor } from '../archive/ageStreams';
import { compressionExtension, createCompressor, type Compression } from '../archive/compression';
import { MeasuringStream } from '../archive/MeasuringStream';
import { StallGuard } from '../archive/StallGuard';
import type { Logger } from '../logging/Logger';
import { mapFsError } from '../storage/fsErrors';
import { childPlace, showPlace } from '../storage/openPlace';
import type { Place } from '../storage/Storage';
import type { ArtifactRecord } from './manifest';

export interface ArtifactInput {
	/** Base name without compression extension, e.g. "n8n.sql". */
	baseName: string;
	kind: string;
	format: string;
	compression: Compression;
	source: Readable;
	/** Checks that run on the raw bytes before compression (e.g. the RDB validator). */
	transforms?: Transform[];
	/**
	 * The error for a source that stopped sending (a frozen server), naming the step; without
	 * it the source is not watched (a local file does not freeze).
	 */
	stalled?: (seconds: number) => Error;
}

export interface StoreSettings {
	encryption: EncryptionOptions | null;
	stallTimeoutMs: number;
	log: Logger;
}

/**
 * Streams `input.source` through compression (and encryption) into `folder`, written whole or
 * not at all, hashing in the same pass. A run folder's artifacts and collected WAL segments are
 * both stored this way, so they open the same way (openArtifact).
 */
export async function storeArtifact(folder: Place, input: ArtifactInput, settings: StoreSettings): Promise<ArtifactRecord> {
	const file = `${input.baseName}${compressionExtension(input.compression)}${settings.encryption ? AGE_EXTENSION : ''}`;
	const raw = new MeasuringStream({
		onProgress: (bytes) => settings.log.info(`${file}: ${Math.round(bytes / 1048576)} MiB read`),
	});
	const stored = new MeasuringStream({ hash: true });
	const compressor = createCompressor(input.compression);
	const encryptor = settings.encryption ? await createAgeEncryptor(settings.encryption) : null;
	const stages = [
		input.source,
		...(input.stalled ? [new StallGuard(settings.stallTimeoutMs, input.stalled)] : []),
		...(input.transforms ?? []),
		raw,
		...(compressor ? [compressor] : []),
		...(encryptor ? [encryptor] : []),
		stored,
	];
	const target = childPlace(folder, file);
	let written: { partSize?: number };
	try {
		written = await target.storage.write(target.key, stages);
	} catch (error) {
		throw mapFsError(error, showPlace(target), `writing ${file}`);
	}
	const measured = stored.result();
	return {
		file,
		kind: input.kind,
		format: input.format,
		compression: input.compression,
		size: measured.bytes,
		rawSize: raw.result().bytes,
		sha256: measured.sha256!,
		...(settings.encryption ? { encryption: encryptionRecord(settings.encryption) } : {}),
		...(written.partSize ? { partSize: written.partSize } : {}),
	};
}
