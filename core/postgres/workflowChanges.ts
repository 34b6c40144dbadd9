import type { TrustOptions } from '../backupSet/setSigning';
import type { Location } from '../storage/openPlace';
import type { N8nWorkflowRecord } from './inventory';
import { n8nInventoryOf } from './workflowExtract';

/** A workflow as the running n8n lists it (its public API). */
export interface LiveWorkflow {
	id: string;
	name: string;
	updatedAt: string;
}

export type WorkflowChange = 'unchanged' | 'changed' | 'deleted since' | 'new since';

export interface WorkflowChangeRow {
	id: string;
	/** The name in the backup, or the live name for a workflow new since. */
	name: string;
	change: WorkflowChange;
	/** Its updatedAt in the backup (null: new since). */
	backedUpUpdatedAt: string | null;
	/** Its updatedAt in the running n8n (null: deleted since). */
	liveUpdatedAt: string | null;
	/** The live name, when it was renamed since. */
	liveName: string | null;
	/** Whether the set holds it (it can be restored or downloaded). */
	inBackup: boolean;
	/** One line for a person: name, then what changed. */
	label: string;
}

const sameInstant = (a: string, b: string) => {
	const ta = Date.parse(a);
	const tb = Date.parse(b);
	return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : ta === tb;
};

const day = (iso: string | null) => (iso ? new Date(Date.parse(iso)).toISOString().slice(0, 16).replace('T', ' ') : '');

/**
 * What happened to each workflow since the backup, from the set's inventory
 * and the running n8n's list: n8n bumps updatedAt on every save, so a
 * different updatedAt is a changed workflow. Backed-up workflows first (by
 * name), then the ones created since.
 */
export function compareWorkflows(backedUp: readonly N8nWorkflowRecord[], live: readonly LiveWorkflow[]): WorkflowChangeRow[] {
	const liveById = new Map(live.map((w) => [String(w.id), w]));
	const rows: WorkflowChangeRow[] = [...backedUp]
		.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
		.map((w) => {
			const now = liveById.get(String(w.id));
			const change: WorkflowChange = !now ? 'deleted since' : sameInstant(now.updatedAt, w.updatedAt) ? 'unchanged' : 'changed';
			const renamed = now && now.name !== w.name ? now.name : null;
			const detail =
				change === 'changed'
					? `changed since (saved ${day(now!.updatedAt)}, backup has ${day(w.updatedAt)})`
					: change === 'deleted since'
						? 'deleted since'
						: 'unchanged';
			return {
				id: w.id,
				name: w.name,
				change,
				backedUpUpdatedAt: w.updatedAt,
				liveUpdatedAt: now?.updatedAt ?? null,
				liveName: renamed,
				inBackup: true,
				label: `${w.name} [${w.id}] · ${detail}${renamed ? ` · now named "${renamed}"` : ''}`,
			};
		});
	const inBackup = new Set(backedUp.map((w) => String(w.id)));
	const created = live
		.filter((w) => !inBackup.has(String(w.id)))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map(
			(w): WorkflowChangeRow => ({
				id: String(w.id),
				name: w.name,
				change: 'new since',
				backedUpUpdatedAt: null,
				liveUpdatedAt: w.updatedAt,
				liveName: null,
				inBackup: false,
				label: `${w.name} [${w.id}] · new since the backup (not in it)`,
			}),
		);
	return [...rows, ...created];
}

/** A set's workflows beside the running n8n's: the set's manifest is read (and its signature checked), nothing is decompressed. */
export async function workflowChangesSince(
	setPath: Location,
	live: readonly LiveWorkflow[],
	trust?: TrustOptions,
): Promise<{ set: string; path: string; backedUpAt: string; workflows: WorkflowChangeRow[] }> {
	const { dir, manifest, n8n } = await n8nInventoryOf(setPath, trust);
	return { set: manifest.set, path: dir, backedUpAt: manifest.startedAt, workflows: compareWorkflows(n8n.workflows, live) };
}
