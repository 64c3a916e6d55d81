/** Debian's headless Chromium driven by playwright-core, for the console's browser tests. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './helpers';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Screenshots the browser tests keep (CI uploads them). */
export const ARTIFACTS = join(REPO_ROOT, 'test/artifacts');

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`,
    );
  }
}

/** A fresh browser profile and a context on it; `close` ends both. */
export async function launchBrowser(
  viewport = { width: 1280, height: 1000 },
): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'toolhost-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * What went wrong in a page: uncaught errors, console errors (a CSP violation is
 * one), failed requests. A console page must end a test with none.
 */
export function pageFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => failures.push(`${request.url()} failed`));
  return failures;
}

/** Full-page screenshots at desktop and phone width (1280 and 375 px) as test artifacts. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  // Let the page settle at the new width (charts resize after a short debounce).
  await page.waitForFunction(() => document.documentElement.clientWidth === 375);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-375.png`), fullPage: true });
}

/** How far the page overflows the viewport sideways (0: readable without horizontal scrolling). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
