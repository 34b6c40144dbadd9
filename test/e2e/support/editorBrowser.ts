import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { OWNER } from './n8nInstance';

/** Where the panels' screenshots go: a folder of the test output, not of the sources. */
export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-output', 'editor');

/** Debian's Chromium, headless, with no network of its own (the machine has none to give). */
export async function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

/** The n8n editor as its owner sees it. */
export class Editor {
	private constructor(
		readonly page: Page,
		private readonly url: string,
	) {}

	static async signIn(browser: Browser, url: string): Promise<Editor> {
		mkdirSync(SCREENSHOTS, { recursive: true });
		const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
		page.setDefaultTimeout(30_000);
		await page.goto(`${url}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
		await page.fill('input[name=password]', OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => !u.pathname.includes('signin'));
		return new Editor(page, url);
	}

	async openWorkflow(id: string): Promise<void> {
		await this.page.goto(`${this.url}/workflow/${id}`);
		await this.page.waitForSelector('[data-test-id="canvas-node"]');
	}

	/** Name, subtitle and whether n8n marks an issue (the red triangle), of each node on the canvas. */
	async canvasNodes(): Promise<Array<{ name: string; subtitle: string; warned: boolean }>> {
		return this.page.$$eval('[data-test-id="canvas-node"]', (nodes) =>
			nodes.map((node) => ({
				name: node.getAttribute('data-node-name') ?? '',
				subtitle: [...(node.parentElement?.querySelectorAll('[class*="subtitle" i]') ?? [])].map((s) => s.textContent?.trim()).join(''),
				warned: node.querySelector('[data-test-id="node-issues"]') !== null,
			})),
		);
	}

	/** Opens a node's panel by double-clicking it on the canvas. */
	async openNode(name: string): Promise<void> {
		await this.page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
		await this.page.waitForSelector('[data-test-id^="parameter-input-"]');
	}

	async closePanel(): Promise<void> {
		await this.page.keyboard.press('Escape');
		await this.page.waitForSelector('[data-test-id^="parameter-input-"]', { state: 'detached' });
	}

	/**
	 * The panel's parameters in the order shown, with `credentials` where a credential selector
	 * stands; the node settings (Settings tab fields) are left out.
	 */
	async panelOrder(): Promise<string[]> {
		const ids = await this.page.$$eval('[data-test-id="node-credentials-slot"], [data-test-id^="parameter-input-"]', (els) =>
			els.map((e) => e.getAttribute('data-test-id') ?? ''),
		);
		const settings = ['alwaysOutputData', 'executeOnce', 'retryOnFail', 'onError', 'notes', 'notesInFlow', 'maxTries', 'waitBetweenTries'];
		return ids
			.filter((id) => !/-(field|item)$/.test(id) && id !== 'parameter-input')
			.map((id) => (id === 'node-credentials-slot' ? 'credentials' : id.replace('parameter-input-', '')))
			.filter((name) => !settings.includes(name));
	}

	/** The labels the credential selectors carry. */
	async credentialLabels(): Promise<string[]> {
		return this.page.$$eval('[data-test-id="node-credentials-slot"] [data-test-id="credentials-label"] label', (els) =>
			els.map((e) => e.textContent?.trim() ?? ''),
		);
	}

	async screenshot(name: string): Promise<string> {
		const path = join(SCREENSHOTS, `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}.png`);
		await this.page.screenshot({ path });
		return path;
	}

	/** A new, empty workflow with the node panel (the "+" on the canvas) open. */
	async openNodeCreator(): Promise<void> {
		await this.page.goto(`${this.url}/workflow/new`);
		await this.page.locator('[data-test-id="node-creator-plus-button"]').first().click();
		await this.page.waitForSelector('[data-test-id="node-creator-search-bar"]');
	}

	/** A node in the node panel's list, by its exact name. */
	private listedNode(name: string) {
		return this.page.locator('[data-test-id="node-creator-node-item"], [data-test-id="node-creator-action-item"]').filter({
			has: this.page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${name}$`) }),
		});
	}

	/**
	 * What the node panel's search lists for a phrase: node names, as shown. The list is read once
	 * `expected` shows up in it (it follows the typing), or after 10 s, when it is what it is.
	 */
	async search(phrase: string, expected: string): Promise<string[]> {
		await this.openNodeCreator();
		await this.page.keyboard.type(phrase);
		await this.listedNode(expected)
			.first()
			.waitFor({ timeout: 10_000 })
			.catch(() => undefined);
		return this.page
			.locator('[data-test-id="node-creator-node-item"], [data-test-id="node-creator-action-item"]')
			.evaluateAll((els) => els.map((e) => e.querySelector('[data-test-id="node-creator-item-name"]')?.textContent?.trim() ?? ''));
	}

	/**
	 * Adds a node the way a user does: search its name and pick it, then its action (nodes with
	 * operations), or "Add to workflow" (a community node without them shows its details first).
	 */
	async addNode(nodeName: string, action?: string): Promise<void> {
		await this.openNodeCreator();
		await this.page.keyboard.type(nodeName);
		await this.listedNode(nodeName).first().click();
		if (action) await this.page.locator('[data-test-id="node-creator-item-name"]', { hasText: action }).first().click();
		else await this.page.getByRole('button', { name: 'Add to workflow' }).click();
		await this.page.waitForSelector('[data-test-id^="parameter-input-"]');
	}

	/** Picks an option of a select field in the open panel. */
	async choose(parameter: string, option: string): Promise<void> {
		await this.page.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
		await this.page.locator('.el-select-dropdown__item, [role="option"]', { hasText: option }).first().click();
	}
}
