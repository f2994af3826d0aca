/**
 * The portal's browser tests share this: Debian's chromium driven by playwright-core (never a downloaded browser),
 * signing in through the login form, switching the language, screenshots to test/e2e/artifacts, and reloading a
 * page until the worker's projection shows a change (pages read projections that are written asynchronously).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Language } from '../../domain/languages';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(__dirname, '..', 'e2e', 'artifacts');

export type { Language };

export interface PortalBrowser {
  browser: Browser;
  /** A new browser context signed in as `email` (password `demo`); with `lang`, the page is switched to it. */
  signIn(email: string, lang?: Language, options?: BrowserContextOptions): Promise<Page>;
  /** A full-page screenshot named `<prefix><name>.png` in the artifacts directory. */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function switchLanguage(page: Page, lang: Language): Promise<void> {
  await page.selectOption('#lang-select', lang);
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/language"] button')]);
  await page.waitForSelector(`html[lang="${lang}"]`);
}

export async function openPortalBrowser(baseUrl: string, artifactPrefix = ''): Promise<PortalBrowser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  return {
    browser,
    async signIn(email, lang, options = {}) {
      const page = await (await browser.newContext(options)).newPage();
      await page.goto(`${baseUrl}/login`);
      await page.fill('#email', email);
      await page.fill('#password', 'demo');
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button')]);
      // The language is remembered per user, so a test that needs one sets it.
      if (lang && (await page.getAttribute('html', 'lang')) !== lang) await switchLanguage(page, lang);
      return page;
    },
    async shot(page, name) {
      const path = join(ARTIFACTS_DIR, `${artifactPrefix}${name}.png`);
      try {
        await page.screenshot({ path, fullPage: true });
      } catch (err) {
        // Chromium cannot always capture a very tall page whole (a texture limit, or memory on a busy machine):
        // the artifact is then the visible part, and the page's height is in the log.
        const height = await page.evaluate('document.documentElement.scrollHeight').catch(() => undefined);
        console.warn(`screenshot ${name}: full page (${height ?? '?'} px) failed (${(err as Error).message.split('\n')[0]}); taking the viewport`);
        await page.screenshot({ path });
      }
    },
    close: () => browser.close(),
  };
}

/** Reloads `url` until `check` holds (the projection caught up), or fails naming `what`. */
export async function reloadUntil(page: Page, url: string, check: () => Promise<boolean>, what = 'the change', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(url);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${url} did not show ${what} in time`);
    await page.waitForTimeout(300);
  }
}

/** For reloadUntil: the page's main content contains `text`. */
export const mainContains = (page: Page, text: string) => async (): Promise<boolean> => ((await page.textContent('main')) ?? '').includes(text);
/** For reloadUntil: something on the page matches `selector`. */
export const hasElement = (page: Page, selector: string) => async (): Promise<boolean> => (await page.locator(selector).count()) > 0;
