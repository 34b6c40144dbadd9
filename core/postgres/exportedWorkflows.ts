import type { DecryptionKeys } from '../archive/ageKeys';
import { openArtifact } from '../backupSet/openArtifact';
import type { TrustOptions } from '../backupSet/setSigning';
import { artifactOfKind, explainReadFailure } from '../backupSet/verifySet';
import { StackBackupError } from '../errors/StackBackupError';
import { invalidOption } from '../options/invalidOption';
import type { Location } from '../storage/openPlace';
import { API_SETTINGS, n8nInventoryOf } from './workflowExtract';
import { WORKFLOWS_ARTIFACT_KIND } from '../backupSet/manifest';
import { readExportedWorkflows, WORKFLOWS_BASE_NAME } from '../backupSet/workflowsFile';

export interface PickWorkflowsOptions {
	setPath: Location;
	workflowIds: readonly string[];
	keys?: DecryptionKeys;
	trust?: TrustOptions;
}

export interface PickedWorkflows {
	set: string;
	path: string;
	backedUpAt: string;
	/** As n8n exported them (`n8n import:workflow --input` takes an array of these), in the order asked. */
	workflows: Array<Record<string, unknown>>;
}

/**
 * Chosen workflows out of a set's workflows.json: its checksum is proven,
 * then the file is streamed and only the chosen ones are kept. The dump is
 * never read.
 */
export async function pickExportedWorkflows(options: PickWorkflowsOptions): Promise<PickedWorkflows> {
	const ids = [...new Set(options.workflowIds.map((id) => String(id).trim()).filter(Boolean))];
	if (!ids.length) throw invalidOption('workflowId', 'No workflow was chosen', "Give one or more workflow ids from the set's list.");
	const { dir, place, manifest, n8n } = await n8nInventoryOf(options.setPath, options.trust);
	const unknown = ids.filter((id) => !n8n.workflows.some((w) => w.id === id));
	if (unknown.length)
		throw new StackBackupError('WORKFLOW_NOT_FOUND', `Not in ${dir}: workflow ${unknown.join(', ')}`, {
			hint: `This set holds ${n8n.workflows.length} workflows; list them to pick ids.`,
		});
	const artifact = (() => {
		try {
			return artifactOfKind({ dir, manifest }, WORKFLOWS_ARTIFACT_KIND);
		} catch {
			throw new StackBackupError('ARTIFACT_NOT_FOUND', `${dir} holds no ${WORKFLOWS_BASE_NAME} (it was made before sets kept one)`, {
				hint: 'Extract the workflows one by one from the dump (Extract), or pick a newer set.',
			});
		}
	})();
	// One read: its sha256 is checked as it streams, and a damaged file fails at its end, before anything is returned.
	const found = new Map<string, Record<string, unknown>>();
	const wanted = new Set(ids);
	// A line broken by damage fails its parse before the digest is compared: the checksum then names the cause.
	const location = { dir, place, manifest, keys: options.keys, digestsPending: true };
	try {
		for await (const workflow of readExportedWorkflows(openArtifact(location, artifact))) {
			if (wanted.has(String(workflow.id))) found.set(String(workflow.id), workflow);
		}
	} catch (error) {
		throw await explainReadFailure(location, artifact, error);
	}
	const lost = ids.filter((id) => !found.has(id));
	if (lost.length)
		throw new StackBackupError('WORKFLOW_NOT_FOUND', `${artifact.file} in ${dir} lacks workflow ${lost.join(', ')}`, {
			hint: 'The set is damaged or incomplete; try another set.',
		});
	return { set: manifest.set, path: dir, backedUpAt: manifest.startedAt, workflows: ids.map((id) => found.get(id)!) };
}

/** A workflow as a copy to create in a running n8n: "<name> (restored YYYY-MM-DD)", settings the public API takes. */
export function asRestoredCopy(
	workflow: Record<string, unknown>,
	now = new Date(),
): { name: string; nodes: unknown[]; connections: Record<string, unknown>; settings: Record<string, unknown> } {
	const settings = (workflow.settings ?? {}) as Record<string, unknown>;
	return {
		name: `${String(workflow.name)} (restored ${now.toISOString().slice(0, 10)})`,
		nodes: (workflow.nodes ?? []) as unknown[],
		connections: (workflow.connections ?? {}) as Record<string, unknown>,
		settings: Object.fromEntries(Object.entries(settings).filter(([k]) => API_SETTINGS.includes(k))),
	};
}
