import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it from scripts/ci-apt.txt). */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go: kept as CI artifacts, ignored by git. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/console/', import.meta.url));

const consoleDir = fileURLToPath(new URL('../../../packages/console/', import.meta.url));

/** Builds the console unless a build is there already (`npm install` builds it through `prepare`). */
export async function ensureConsoleBuilt(): Promise<void> {
  if (existsSync(join(consoleDir, 'dist', 'index.html'))) return;
  const { build } = await import('vite');
  await build({ root: consoleDir, configFile: join(consoleDir, 'vite.config.ts'), logLevel: 'warn' });
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
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
  });
}

/** Saves a full-page screenshot under test-results/console/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Signs in from the console's sign-in screen through Parley's own login and
 * consent pages, as a person would, and waits to be back in the console.
 */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in with Parley' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Authorize Parley console' }).waitFor();
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/console') && url.pathname !== '/console/callback');
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}
