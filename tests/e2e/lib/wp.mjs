// WordPress helpers: the login form, the REST route, and wp-eval.php (a WP-CLI stand-in).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { env } from './env.mjs';

/**
 * Submits wp-login.php and waits for the next page.
 * @param {import('playwright-core').Page} page
 * @param {string} base  site URL
 * @param {string} login username or email
 * @param {string} password
 */
export async function login(page, base, login, password) {
  await page.goto(`${base}/wp-login.php`);
  await page.fill('#user_login', login);
  await page.fill('#user_pass', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#wp-submit')]);
}

/** The text of the login form's error box ('' when there is none). */
export async function loginError(page) {
  const box = page.locator('#login_error');
  return (await box.count()) ? (await box.innerText()).trim() : '';
}

/**
 * Logs out through the admin bar's link (which carries the logout nonce).
 * @param {import('playwright-core').Page} page
 * @param {string} base
 */
export async function logout(page, base) {
  await page.goto(`${base}/wp-admin/profile.php`);
  const href = await page.locator('#wp-admin-bar-logout a').getAttribute('href');
  await page.goto(href);
}

/**
 * GET a REST route as the browser's user (cookies), with the wp_rest nonce.
 * @param {import('playwright-core').Page} page
 * @param {string} base
 * @param {string} route e.g. /halext/v1/me
 */
export async function restAsBrowser(page, base, route) {
  const nonceRes = await page.request.get(`${base}/wp-admin/admin-ajax.php?action=rest-nonce`);
  const nonce = (await nonceRes.text()).trim();
  const res = await page.request.get(`${base}/?rest_route=${encodeURIComponent(route)}`, { headers: { 'X-WP-Nonce': nonce } });
  return { status: res.status(), body: await res.json().catch(() => null), nonce };
}

/**
 * Runs tests/e2e/support/wp-eval.php against the test WordPress and returns its JSON.
 * @param {string[]} args command and arguments
 * @param {{extension?: boolean}} options load the halext extension (for `resolve`)
 */
export function wpEval(args, { extension = false } = {}) {
  const php = [];
  if (extension && env.phpHalextIni) php.push('-d', env.phpHalextIni);
  const script = path.join(env.root, 'tests', 'e2e', 'support', 'wp-eval.php');
  const out = execFileSync('php', [...php, '-d', 'sendmail_path=/bin/true', script, env.wpDir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Merges keys into the plugin's settings. */
export function patchSettings(patch) {
  return wpEval(['option-patch', 'halext_sso_settings', JSON.stringify(patch)]);
}

/** The payload of a JWT, decoded without verification (for assertions only). */
export function jwtPayload(token) {
  const part = token.split('.')[1] || '';
  return JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
}
