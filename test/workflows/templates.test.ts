import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INode } from 'n8n-workflow';

import { OUR_NODES } from '../support/ourNodes';

const DIR = join(__dirname, '..', '..', 'workflows');
const ours = OUR_NODES;
const templates = readdirSync(DIR)
	.filter((f) => f.endsWith('.json'))
	.map((file) => ({
		file,
		workflow: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
			id: string;
			nodes: INode[];
			connections: Record<string, unknown>;
			settings: Record<string, unknown>;
		},
	}));

describe('workflow templates (the checks n8n makes before it runs or publishes a workflow)', () => {
	it('are the eight templates, each with a fixed 16-character id', () => {
		expect(templates.map((t) => t.workflow.id).sort()).toEqual([
			'sbBackupAlert001',
			'sbBackupBrowser1',
			'sbNightlyCompose',
			'sbNightlySingle1',
			'sbRestoreOneWf01',
			'sbWalCollect0001',
			'sbWatchdog000001',
			'sbWeeklyDrill001',
		]);
		for (const { workflow } of templates) expect(workflow.id).toMatch(/^[A-Za-z0-9]{16}$/);
	});

	it.each(templates.map((t) => [t.file, t.workflow] as const))(
		'%s: our nodes have no parameter issues, and leave their credentials for the user to pick (so n8n marks them)',
		(_file, workflow) => {
			for (const node of workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-stack-backup.'))) {
				const type = ours[node.type];
				expect(type).toBeDefined();
				const parameters = NodeHelpers.getNodeParameters(type.description.properties, node.parameters, true, false, node, type.description);
				const issues = NodeHelpers.getNodeParametersIssues(
					type.description.properties,
					{ ...node, parameters: parameters ?? {} },
					type.description,
				);
				expect({ node: node.name, issues }).toEqual({ node: node.name, issues: null });
				// No credential is referenced: an id from our machine means nothing on the user's, and n8n
				// shows no warning for it. Left empty, every required one is flagged on the canvas.
				expect({ node: node.name, credentials: node.credentials ?? {} }).toEqual({ node: node.name, credentials: {} });
			}
		},
	);

	it.each(templates.map((t) => [t.file, t.workflow] as const))(
		'%s: a sticky note explains it, and every scheduled one can also be run by hand and names the alert workflow',
		(_file, workflow) => {
			const types = workflow.nodes.map((n) => n.type);
			expect(types).toContain('n8n-nodes-base.stickyNote');
			if (types.includes('n8n-nodes-base.scheduleTrigger')) {
				expect(types).toContain('n8n-nodes-base.manualTrigger');
				expect(workflow.settings.errorWorkflow).toBe('sbBackupAlert001');
			}
			for (const [from, outputs] of Object.entries(workflow.connections)) {
				expect(workflow.nodes.map((n) => n.name)).toContain(from);
				for (const target of (outputs as { main: Array<Array<{ node: string }>> }).main.flat())
					expect(workflow.nodes.map((n) => n.name)).toContain(target.node);
			}
		},
	);
});
