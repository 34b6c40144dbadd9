import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** Where the Backup Browser's page screenshots go: a folder of the test output. */
export const BROWSER_SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-output', 'backup-browser');

/** The Backup Browser template's form, page by page, as a person clicks through it (n8n's own form markup). */
export class BackupBrowserForm {
	private constructor(
		readonly page: Page,
		private readonly prefix: string,
	) {}

	static async open(
		browser: Browser,
		url: string,
		login: { username: string; password: string },
		prefix = 'restore',
	): Promise<BackupBrowserForm> {
		mkdirSync(BROWSER_SCREENSHOTS, { recursive: true });
		const context = await browser.newContext({ httpCredentials: login, acceptDownloads: true, viewport: { width: 1100, height: 1200 } });
		const page = await context.newPage();
		page.setDefaultTimeout(60_000);
		await page.goto(url);
		return new BackupBrowserForm(page, prefix);
	}

	private async shot(name: string): Promise<string> {
		const path = join(BROWSER_SCREENSHOTS, `${this.prefix}-${name}.png`);
		await this.page.screenshot({ path, fullPage: true });
		return path;
	}

	/** Submits the page and waits for the next one to replace it. */
	private async submit(): Promise<void> {
		const before = await this.page.locator('.form-header, h1').first().textContent();
		await this.page.click('#submit-btn');
		// In the page: a new header means the next page has replaced this one.
		await this.page.waitForFunction(
			`(() => { const h = document.querySelector('.form-header, h1'); return h !== null && h.textContent !== ${JSON.stringify(before)}; })()`,
			undefined,
			{ timeout: 120_000 },
		);
	}

	async page1(set: string): Promise<void> {
		await this.page.locator('select').first().selectOption({ label: set });
		await this.shot('1-set');
		await this.submit();
	}

	/** Picks the newest run (the first option) and returns its label. */
	async page2FirstRun(): Promise<string> {
		const select = this.page.locator('select').first();
		await select.waitFor();
		const label = (await select.locator('option:not([disabled])').first().textContent())!.trim();
		await select.selectOption({ label });
		await this.shot('2-run');
		await this.submit();
		return label;
	}

	/** Ticks workflows by name (a label starts "<name> [<id>]"). */
	private async tick(workflows: readonly string[]): Promise<void> {
		await this.page.locator('.multiselect-option').first().waitFor();
		for (const name of workflows) await this.option(`${name} [`).check();
	}

	private option(text: string) {
		return this.page.locator('.multiselect-option').filter({ hasText: text }).locator('input').first();
	}

	async page3(workflows: readonly string[], action: string, reason?: string): Promise<void> {
		await this.tick(workflows);
		await this.option(action).check();
		if (reason !== undefined) await this.page.getByLabel('Pin reason').fill(reason);
		await this.shot('3-workflows');
		await this.submit();
	}

	/** Ticks workflows, asks for the JSON download, and returns where the browser saved the file. */
	async page3Download(workflows: readonly string[]): Promise<string> {
		await this.tick(workflows);
		await this.option('Download as JSON').check();
		await this.shot('3-workflows');
		const [download] = await Promise.all([this.page.waitForEvent('download', { timeout: 120_000 }), this.page.click('#submit-btn')]);
		const path = join(BROWSER_SCREENSHOTS, `${this.prefix}-${download.suggestedFilename()}`);
		await download.saveAs(path);
		return path;
	}

	/** The last page: its screenshot, and the links it shows. */
	async completion(name: string): Promise<string[]> {
		await this.page.waitForLoadState('networkidle');
		await this.shot(name);
		return this.page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href') ?? '').filter((h) => h.includes('/workflow/')));
	}
}
