import { StackBackupError } from '../errors/StackBackupError';
import type { ArtifactRecord, Manifest } from './manifest';
import { aboutFields } from '../options/optionFields';

export interface ShrinkGuardOptions {
	/** Fail when the new raw size is more than this many percent below the previous set's. */
	maxShrinkPercent: number;
	allowShrink: boolean;
}

function rawSizeOf(artifacts: readonly ArtifactRecord[], kind: string): number {
	return artifacts.filter((a) => a.kind === kind).reduce((sum, a) => sum + a.rawSize, 0);
}

/**
 * A dump that is suddenly much smaller than the last good one usually means
 * a wrong database, a dropped table or a broken source; other tools report it
 * as success. Raw (uncompressed) sizes are compared, so changing the
 * compression does not trip the guard.
 */
export function checkShrink(
	previous: Manifest | undefined,
	current: readonly ArtifactRecord[],
	kind: string,
	options: ShrinkGuardOptions,
): void {
	if (!previous || options.allowShrink) return;
	const before = rawSizeOf(previous.artifacts, kind);
	const now = rawSizeOf(current, kind);
	if (before <= 0) return;
	const shrinkPercent = ((before - now) / before) * 100;
	if (shrinkPercent > options.maxShrinkPercent) {
		throw new StackBackupError(
			'DUMP_SHRANK',
			`The new ${kind} backup is ${shrinkPercent.toFixed(0)}% smaller than the previous set (${now} bytes now, ${before} bytes at ${previous.startedAt})`,
			{
				hint: `If the data really shrank, run again allowing the shrink, or raise the limit (now ${options.maxShrinkPercent}%). Otherwise check that the right database is being backed up.`,
				details: { previousRawBytes: before, currentRawBytes: now, shrinkPercent, ...aboutFields('allowShrink', 'maxShrinkPercent') },
			},
		);
	}
}
