import { createHash } from 'node:crypto';

/** Our replication slots' names start so: a slot of another tool is never ours to create or drop. */
export const SLOT_PREFIX = 'n8n_stack_backup_';

/**
 * The replication slot of a set: Postgres allows [a-z0-9_] and 63 characters, so the set name
 * is folded into that, and a hash of the set name keeps two sets that fold alike apart.
 */
export function walSlotName(setName: string): string {
	const stem = setName
		.toLowerCase()
		.replace(/[^a-z0-9_]/g, '_')
		.slice(0, 30);
	return `${SLOT_PREFIX}${stem}_${createHash('sha256').update(setName).digest('hex').slice(0, 8)}`;
}
