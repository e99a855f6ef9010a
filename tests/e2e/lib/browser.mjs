// Debian's Chromium through playwright-core: never a downloaded browser.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { env } from './env.mjs';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Chromium. playwright-core gives every launch a fresh, temporary --user-data-dir (and
 * refuses one in `args`), and every test gets its own context (own cookies).
 * Throws with the reason when the browser cannot start: a missing or broken browser is a
 * failure, never a skip.
 */
export async function launchBrowser() {
  if (!fs.existsSync(env.chromium)) {
    throw new Error(`Chromium is not installed at ${env.chromium} (Debian package 'chromium'; scripts/install-deps.sh installs it)`);
  }
  try {
    return await chromium.launch({ executablePath: env.chromium, headless: true, args: ARGS, timeout: 30_000 });
  } catch (e) {
    throw new Error(`Chromium (${env.chromium}) could not start: ${e.message}`);
  }
}

/**
 * A new isolated context and page with the tests' defaults.
 * @param {import('playwright-core').Browser} browser
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

let shots = 0;

/**
 * Saves a full-page screenshot under <artifacts>/screenshots/NN-name.png and returns the path.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  shots += 1;
  const file = path.join(env.artifacts, 'screenshots', `${String(shots).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/**
 * A small picture for the documentation (docs/img/), under <artifacts>/docs/name.png: one
 * element, or the top `height` pixels of the viewport.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {import('playwright-core').Locator | {height: number}} what
 */
export async function docShot(page, name, what) {
  const file = path.join(env.artifacts, 'docs', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if ('height' in what) {
    const { width } = page.viewportSize();
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height: what.height }, animations: 'disabled' });
  } else {
    await what.screenshot({ path: file, animations: 'disabled' });
  }
  return file;
}
