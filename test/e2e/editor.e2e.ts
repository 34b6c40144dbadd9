import type { Browser } from 'playwright-core';
import { Editor, launchChromium, SCREENSHOTS } from './support/editorBrowser';
import { N8nInstance } from './support/n8nInstance';
import { rawTemplate, shownCredentials, templateFiles } from './support/templates';

// What a user sees of our nodes in the real n8n 2.41 editor, in Chromium: the panels of every
// template node and of a freshly added node of each action, the canvas, and the node search.
// Every panel is saved as a screenshot in test-output/editor/, beside n8n's own Postgres node.

const OUR_TYPE = /^n8n-nodes-stack-backup\./;
/** Option values that must never be what the canvas shows under a node's name. */
const INTERNAL_VALUES = [
	'drill',
	'listWorkflows',
	'extractWorkflow',
	'dir',
	'volume',
	'files',
	'restorePostgres',
	'restoreRedis',
	'restoreVolume',
	'sync',
	'docker',
	'file',
	'local',
];
/** The fields credential selectors depend on: n8n puts the selectors right after them. */
const BEFORE_CREDENTIALS = ['resource', 'operation', 'method', 'mode', 'encrypt', 'decrypt', 'sign', 'checkSignatures', 'storage'];

const ACTIONS: Array<{ node: string; action?: string; resource?: boolean }> = [
	{ node: 'Postgres Dump', action: 'Back up a database' },
	{ node: 'Postgres Dump', action: 'Collect WAL for point in time recovery' },
	{ node: 'Redis Snapshot' },
	{ node: 'Volume Archive' },
	{ node: 'Retention Prune' },
	{ node: 'Backup Report' },
	{ node: 'Stack Restore', action: 'Restore a Postgres dump', resource: true },
	{ node: 'Stack Restore', action: 'Restore a Redis snapshot', resource: true },
	{ node: 'Stack Restore', action: 'Restore a volume or folder', resource: true },
	{ node: 'Stack Restore', action: 'Restore to a point in time', resource: true },
	{ node: 'Stack Restore', action: 'Run a restore drill', resource: true },
	{ node: 'Stack Restore', action: 'Extract a workflow', resource: true },
	{ node: 'Stack Restore', action: 'List workflows in a set', resource: true },
];

const SEARCHES: Array<[phrase: string, finds: string]> = [
	['backup', 'Postgres Dump'],
	['restore', 'Stack Restore'],
	['snapshot', 'Redis Snapshot'],
	['prune', 'Retention Prune'],
	['n8n backup', 'Postgres Dump'],
	['database backup', 'Postgres Dump'],
	['redis backup', 'Redis Snapshot'],
	['backup postgres', 'Postgres Dump'],
	['volume backup', 'Volume Archive'],
	['restore drill', 'Stack Restore'],
];

/** n8n's own Postgres node, as a user adds it, to compare panels with. */
const BUILTIN_POSTGRES = {
	id: 'sbCompareBuiltin',
	name: "Compare: n8n's Postgres node",
	nodes: [
		{
			id: '00000000-0000-4000-8000-000000000001',
			name: 'Execute a SQL query',
			type: 'n8n-nodes-base.postgres',
			typeVersion: 2.6,
			position: [0, 0],
			parameters: { operation: 'executeQuery', query: 'SELECT 1' },
		},
	],
	connections: {},
	settings: {},
};

/** The order rule: only the fields the selectors depend on may stand before them. */
function credentialsFirst(order: string[]): { before: string[]; hasCredentials: boolean } {
	const at = order.indexOf('credentials');
	return { before: at < 0 ? [] : order.slice(0, at).filter((name) => !BEFORE_CREDENTIALS.includes(name)), hasCredentials: at >= 0 };
}

describe('our nodes in the real n8n editor, in Chromium', () => {
	let n8n: N8nInstance;
	let browser: Browser;
	let editor: Editor;

	beforeAll(async () => {
		// Its own ports: the server, its task broker and a CLI's broker take three from here.
		n8n = new N8nInstance({ name: 'editor', port: 5701 });
		// As shipped: no credential is referenced, as on a user's instance that has none yet.
		for (const file of templateFiles()) await n8n.importJson('workflow', rawTemplate(file));
		await n8n.importJson('workflow', BUILTIN_POSTGRES);
		await n8n.start();
		await n8n.signIn();
		browser = await launchChromium();
		editor = await Editor.signIn(browser, n8n.url);
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	});

	it.each(templateFiles())(
		'%s: each of our nodes opens with its credentials first, reads in words on the canvas, and is marked while a required credential is missing',
		async (file) => {
			const template = rawTemplate(file);
			const ours = template.nodes.filter((n) => OUR_TYPE.test(n.type));
			await editor.openWorkflow(template.id);
			await editor.screenshot(`canvas-${template.id}`);
			const canvas = await editor.canvasNodes();
			for (const node of ours) {
				const shown = canvas.find((c) => c.name === node.name)!;
				expect({ node: node.name, internalSubtitle: INTERNAL_VALUES.includes(shown.subtitle) }).toEqual({
					node: node.name,
					internalSubtitle: false,
				});
				// n8n marks no issue on a disabled node (the off-site steps ship disabled until a bucket is set).
				const missing = !node.disabled && shownCredentials(node).some((c) => c.required);
				expect({ node: node.name, warned: shown.warned }).toEqual({ node: node.name, warned: missing });

				await editor.openNode(node.name);
				await editor.screenshot(`template-${template.id}-${node.name}`);
				const order = await editor.panelOrder();
				if (node.type.endsWith('.restore')) expect(order.slice(0, 2)).toEqual(['resource', 'operation']);
				expect({ node: node.name, ...credentialsFirst(order) }).toEqual({
					node: node.name,
					before: [],
					hasCredentials: shownCredentials(node).length > 0,
				});
				const labels = await editor.credentialLabels();
				expect(new Set(labels).size).toBe(labels.length);
				for (const label of labels)
					expect(label).toMatch(/^Credential for (Postgres|Redis|Docker Engine|Encryption|Signing|S3|the Source Bucket)$/);
				await editor.closePanel();
			}
		},
	);

	it.each(ACTIONS.map((a) => [a.action ?? a.node, a] as const))(
		'a freshly added "%s" shows what it needs first',
		async (_name, { node, action, resource }) => {
			await editor.addNode(node, action);
			await editor.screenshot(`fresh-${action ?? node}`);
			const order = await editor.panelOrder();
			if (resource) expect(order.slice(0, 2)).toEqual(['resource', 'operation']);
			expect(credentialsFirst(order).before).toEqual([]);
			const canvas = await editor.canvasNodes();
			for (const shown of canvas) expect(INTERNAL_VALUES).not.toContain(shown.subtitle);
		},
	);

	it('a Stack Restore node switches from restoring a dump to a drill, and shows the drill fields', async () => {
		await editor.addNode('Stack Restore', 'Restore a Postgres dump');
		expect(await editor.panelOrder()).toEqual(expect.arrayContaining(['targetDatabase', 'confirmReplace']));
		await editor.choose('resource', 'Restore Drill');
		await editor.page.waitForSelector('[data-test-id="parameter-input-setFolders"]');
		const order = await editor.panelOrder();
		expect(order).toEqual(expect.arrayContaining(['resource', 'operation', 'setFolders', 'scratchPostgres', 'scratchRedis']));
		expect(order).not.toContain('targetDatabase');
		await editor.screenshot('switched-to-drill');
	});

	it.each(SEARCHES)('searching "%s" finds %s', async (phrase, finds) => {
		expect(await editor.search(phrase, finds)).toContain(finds);
	});

	it("n8n's own Postgres node, for comparison: Credential first, Operation next", async () => {
		await editor.openWorkflow(BUILTIN_POSTGRES.id);
		await editor.openNode('Execute a SQL query');
		const path = await editor.screenshot('builtin-postgres');
		expect(path.startsWith(SCREENSHOTS)).toBe(true);
		expect((await editor.panelOrder()).slice(0, 2)).toEqual(['credentials', 'operation']);
	});
});
