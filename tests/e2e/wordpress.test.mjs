// WordPress + halext-sso, end to end, in headless Chromium. Run by scripts/test-e2e.sh.
//
// Two web servers share one WordPress and one database:
//   plain  (E2E_PLAIN_WP)  PHP without the halext extension: activation, the admin notice, the
//                          settings page (Settings API, nonce, capability) with plain WordPress logins;
//   halext (E2E_HALEXT_WP) PHP with the extension, pointed at the Halext test server: the sign-in,
//                          migration, registration, role and token flows.
// The tests run in this order and build on each other (the plugin is activated by the first one).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { env, requireHalext, halextProblemsList } from './lib/env.mjs';
import { launchBrowser, newPage, screenshot, docShot } from './lib/browser.mjs';
import { login, loginError, logout, restAsBrowser, wpEval, patchSettings, jwtPayload } from './lib/wp.mjs';
import * as halext from './lib/halext.mjs';

const INVALID_CREDENTIALS = 'Unknown username or email address, or incorrect password.';
const DEFAULT_SETTINGS = {
  login_enabled: true,
  site: 'wordpress',
  create_users: true,
  trust_email: false,
  registration: false,
  admin_role: '',
  default_role: 'subscriber',
  bearer_enabled: true,
  cookie_name: 'halext_token',
};

// Halext-only users the Halext flows use (created on the test server, never in wp_users).
const HANA = { username: 'hana', email: 'hana@example.net', password: 'hana on halext 1', is_admin: true };
const TAKEN = { username: 'hal9000', email: 'hal9000@example.net', password: 'taken on halext 1' };
// Same email as the legacy WordPress user "zerodate" (ID 11) and the same password: the owner.
const ZERO = { username: 'zero-h', email: 'zero@example.com', password: 'correct horse' };
// The email of the legacy WordPress user "bob" (ID 2, stored as Bob@Example.org), another
// password: a takeover attempt through an email address nobody verified.
const MALLORY = { username: 'mallory', email: 'bob@example.org', password: 'mallory pass 1' };
// Already on Halext under the login of the legacy WordPress user "noemail" (ID 7, "correct
// horse"), with another password: the migration cannot create "noemail" and asks for this one.
const NOEMAIL = { username: 'noemail', email: 'noemail@example.net', password: 'noemail on halext 1' };

let browser;
let seedError = null;

before(async () => {
  console.log(`# screenshots: ${path.join(env.artifacts, 'screenshots')}`);
  console.log(`# halext extension: ${env.extensionStatus}; Halext test server: ${env.halextApi || env.halextApiStatus}`);
  const problems = halextProblemsList();
  if (problems.length) console.log(`# Halext flows cannot pass here: ${problems.join('; ')}`);
  browser = await launchBrowser();
  console.log(`# Chromium ${browser.version()}`);
  if (env.halextApi) {
    try {
      await halext.seedUser(HANA);
      await halext.seedUser(TAKEN);
      await halext.seedUser(ZERO);
      await halext.seedUser(MALLORY);
      await halext.seedUser(NOEMAIL);
    } catch (e) {
      seedError = e.message;
    }
  }
});

after(async () => {
  if (browser) await browser.close();
});

/** Runs `fn(page)` in a fresh context and always closes it. */
async function withPage(fn) {
  const { context, page } = await newPage(browser);
  try {
    return await fn(page, context);
  } finally {
    await context.close();
  }
}

function requireHalextFlows() {
  requireHalext(seedError ? [`seeding the Halext test server failed: ${seedError}`] : []);
}

describe('plain WordPress (PHP without the extension)', () => {
  it('activates the plugin from the Plugins screen, which then says the extension is not loaded', async () => {
    await withPage(async (page) => {
      await login(page, env.plainWp, env.admin.user, env.admin.pass);
      assert.equal(await loginError(page), '', 'the e2e administrator logs in with plain WordPress');
      await page.goto(`${env.plainWp}/wp-admin/plugins.php`);
      const row = page.locator('tr[data-slug="halext-sso"]');
      assert.equal(await row.count(), 1, 'halext-sso is listed on the Plugins screen');
      await Promise.all([page.waitForNavigation(), row.locator('.activate a').click()]);
      await page.locator('#message').waitFor();
      assert.match(await page.locator('#message').innerText(), /Plugin activated\./);
      assert.equal(await page.locator('tr[data-slug="halext-sso"].active').count(), 1);

      const notice = page.locator('.halext-sso-notice.notice-error');
      assert.equal(await notice.count(), 1, 'the missing-extension notice is shown');
      assert.match(await notice.innerText(), /halext PHP extension is not loaded/);
      await screenshot(page, 'plugins-activated-extension-missing');
      await docShot(page, 'wordpress-extension-missing', { height: 430 });

      const stored = wpEval(['option-get', 'halext_sso_settings']);
      assert.equal(stored.cookie_name, 'halext_token', 'activation stored the default settings');
      assert.equal(stored.registration, false);
    });
  });

  it('saves the settings page through the Settings API and rejects invalid values', async () => {
    await withPage(async (page) => {
      await login(page, env.plainWp, env.admin.user, env.admin.pass);
      await page.goto(`${env.plainWp}/wp-admin/options-general.php?page=halext-sso`);
      assert.equal(await page.locator('h1').first().innerText(), 'Halext SSO');
      assert.match(await page.locator('.halext-sso-status').innerText(), /Extension\s+not loaded/);

      await page.check('#halext_sso_registration');
      await page.selectOption('#halext_sso_admin_role', 'editor');
      await page.fill('#halext_sso_cookie_name', 'halext_e2e');
      await page.fill('#halext_sso_halext_url', 'https://org.halext.org/api');
      await Promise.all([page.waitForNavigation(), page.click('#submit')]);
      assert.match(await page.locator('#setting-error-settings_updated').innerText(), /Settings saved\./);
      assert.equal(await page.isChecked('#halext_sso_registration'), true);
      assert.equal(await page.inputValue('#halext_sso_admin_role'), 'editor');
      assert.equal(await page.inputValue('#halext_sso_cookie_name'), 'halext_e2e');
      await screenshot(page, 'settings-saved');
      await docShot(page, 'wordpress-settings', { height: 760 });

      let stored = wpEval(['option-get', 'halext_sso_settings']);
      assert.equal(stored.registration, true);
      assert.equal(stored.admin_role, 'editor');
      assert.equal(stored.cookie_name, 'halext_e2e');
      assert.equal(stored.halext_url, 'https://org.halext.org/api');

      // Invalid values: an error per field, the previous value kept.
      await page.fill('#halext_sso_cookie_name', 'bad name;');
      await page.selectOption('#halext_sso_default_role', 'administrator');
      await Promise.all([page.waitForNavigation(), page.click('#submit')]);
      const errors = await page.locator('.notice-error, .error').allInnerTexts();
      assert.ok(errors.some((t) => /cookie name may only contain/.test(t)), `cookie-name error shown (${errors})`);
      assert.ok(errors.some((t) => /cannot get the Administrator role/.test(t)), `default-role error shown (${errors})`);
      await screenshot(page, 'settings-invalid-values');
      stored = wpEval(['option-get', 'halext_sso_settings']);
      assert.equal(stored.cookie_name, 'halext_e2e');
      assert.equal(stored.default_role, 'subscriber');

      // Back to the defaults through the form.
      await page.uncheck('#halext_sso_registration');
      await page.selectOption('#halext_sso_admin_role', '');
      await page.fill('#halext_sso_cookie_name', 'halext_token');
      await page.fill('#halext_sso_halext_url', '');
      await Promise.all([page.waitForNavigation(), page.click('#submit')]);
      stored = wpEval(['option-get', 'halext_sso_settings']);
      for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) assert.deepEqual(stored[key], value, key);
    });
  });

  it('refuses a settings form with a forged nonce', async () => {
    await withPage(async (page) => {
      await login(page, env.plainWp, env.admin.user, env.admin.pass);
      await page.goto(`${env.plainWp}/wp-admin/options-general.php?page=halext-sso`);
      await page.check('#halext_sso_registration');
      await page.evaluate(() => {
        document.querySelector('#halext-sso-settings input[name="_wpnonce"]').value = 'forged';
      });
      const [response] = await Promise.all([page.waitForNavigation(), page.click('#submit')]);
      assert.equal(response.status(), 403);
      assert.match(await page.locator('body').innerText(), /The link you followed has expired/);
      await screenshot(page, 'settings-forged-nonce');
      assert.equal(wpEval(['option-get', 'halext_sso_settings']).registration, false, 'nothing saved');
    });
  });

  it('keeps the settings and the notice from non-administrators', async () => {
    await withPage(async (page) => {
      // bob: a legacy editor (phpass hash, which plain WordPress 6.1 checks itself).
      await login(page, env.plainWp, 'bob', 'p@ss w0rd ü');
      assert.equal(await loginError(page), '');
      assert.equal(await page.locator('.halext-sso-notice').count(), 0, 'no extension notice for editors');
      const response = await page.goto(`${env.plainWp}/wp-admin/options-general.php?page=halext-sso`);
      assert.equal(response.status(), 403);
      assert.match(await page.locator('body').innerText(), /Sorry, you are not allowed to access this page/);
      await screenshot(page, 'settings-denied-editor');

      // A direct POST to options.php without a valid nonce changes nothing.
      const res = await page.request.post(`${env.plainWp}/wp-admin/options.php`, {
        form: { option_page: 'halext_sso', action: 'update', 'halext_sso_settings[registration]': '1' },
      });
      assert.equal(res.status(), 403);
      assert.equal(wpEval(['option-get', 'halext_sso_settings']).registration, false);
    });
  });
  it('refuses registration through Halext while the extension is missing, instead of making local-only accounts', async () => {
    try {
      patchSettings({ registration: true });
      await withPage(async (page) => {
        await page.goto(`${env.plainWp}/wp-login.php?action=register`);
        await page.fill('#user_login', 'offline-newbie');
        await page.fill('#user_email', 'offline-newbie@example.net');
        await page.fill('#halext_password', 'offline pass 123');
        await Promise.all([page.waitForNavigation(), page.click('#wp-submit')]);
        assert.match(await loginError(page), /Registration is temporarily unavailable/);
        await screenshot(page, 'registration-without-extension');
      });
      assert.equal(wpEval(['user', 'offline-newbie']), null, 'no WordPress-only account was created');
    } finally {
      patchSettings({ registration: false });
    }
  });
});

describe('Halext sign-in (PHP with the extension, Halext test server)', () => {
  it('signs in a legacy wp_users user with the old password, links them and hands out a Halext token', async () => {
    requireHalextFlows();
    await withPage(async (page, context) => {
      // admin (ID 1) has a WordPress 6.8 "$wp$" bcrypt hash, which WordPress 6.1 cannot check:
      // only the migration's verifier can accept this password.
      await login(page, env.halextWp, 'admin', 'correct horse');
      assert.equal(await loginError(page), '');
      assert.match(page.url(), /\/wp-admin\/?$/);
      await page.locator('#wpadminbar').waitFor();
      await screenshot(page, 'legacy-user-migrated-dashboard');

      const cookie = (await context.cookies()).find((c) => c.name === 'halext_token');
      assert.ok(cookie, 'the Halext token cookie is set');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      const claims = jwtPayload(cookie.value);
      assert.equal(typeof claims.sub, 'string');
      assert.ok(claims.exp > Date.now() / 1000, 'the token is not expired');

      const mapping = wpEval(['resolve', 'wordpress', '1'], { extension: true });
      assert.equal(mapping.status, 'linked');
      assert.equal(mapping.halext_username, claims.sub);
      assert.equal(await halext.canLogin(claims.sub, 'correct horse'), true, 'the Halext account takes the old password');

      const rest = await restAsBrowser(page, env.halextWp, '/halext/v1/me');
      assert.equal(rest.status, 200, JSON.stringify(rest.body));
      assert.equal(rest.body.wordpress_user_id, 1);
      assert.equal(rest.body.halext_username, claims.sub);
      assert.equal(rest.body.halext_user.username, claims.sub);
      assert.equal(rest.body.halext_user.is_admin, false, 'migration never makes a Halext admin');
      assert.equal(JSON.stringify(rest.body).includes(cookie.value), false, 'the token is never echoed');
      await page.goto(`${env.halextWp}/?rest_route=/halext/v1/me&_wpnonce=${rest.nonce}`);
      const pretty = page.locator('input[type=checkbox]');
      if (await pretty.count()) await pretty.first().check(); // Chromium's JSON viewer
      await screenshot(page, 'legacy-user-rest-me');

      // The administrator's screens: the Users column and the settings page's status table.
      await page.goto(`${env.halextWp}/wp-admin/users.php`);
      assert.equal((await page.locator('#user-1 .column-halext_sso').innerText()).trim(), claims.sub);
      await page.goto(`${env.halextWp}/wp-admin/options-general.php?page=halext-sso`);
      const status = await page.locator('.halext-sso-status').innerText();
      assert.match(status, /Extension\s+loaded/);
      assert.match(status, /Halext\s+reachable/);
      assert.match(status, /Migration\s+configured/);
      assert.equal(await page.locator('.halext-sso-notice').count(), 0, 'no extension notice');
      await screenshot(page, 'settings-with-extension');
      await docShot(page, 'wordpress-settings-status', { height: 330 });

      const sessions = wpEval(['sessions', 'admin']);
      assert.ok(sessions.some((s) => s && s.username === claims.sub), 'the session records the Halext username');

      // Sign out clears the token; signing in again reaches the same account through Halext.
      await logout(page, env.halextWp);
      assert.equal((await context.cookies()).some((c) => c.name === 'halext_token'), false, 'sign-out clears the cookie');
      await login(page, env.halextWp, 'admin', 'correct horse');
      assert.equal(await loginError(page), '');
      const again = await restAsBrowser(page, env.halextWp, '/halext/v1/me');
      assert.equal(again.body.wordpress_user_id, 1, 'no second WordPress account');
    });

    // quoter's phpass hash is of the addslashes() form of o'brien "q" (set through wp-login.php):
    // the person types the real password, and Halext gets the real password too.
    await withPage(async (page) => {
      await login(page, env.halextWp, 'quoter', 'o\'brien "q"');
      assert.equal(await loginError(page), '');
      const mapping = wpEval(['resolve', 'wordpress', '12'], { extension: true });
      assert.equal(mapping.status, 'linked');
      assert.equal(await halext.canLogin(mapping.halext_username, 'o\'brien "q"'), true);
    });
  });

  it('signs in a Halext-only user, creating their WordPress account without admin rights', async () => {
    requireHalextFlows();
    await withPage(async (page) => {
      await login(page, env.halextWp, HANA.username, HANA.password);
      assert.equal(await loginError(page), '');
      await page.locator('#wpadminbar').waitFor();
      await screenshot(page, 'halext-only-user-signed-in');

      const user = wpEval(['user', HANA.username]);
      assert.ok(user, 'a WordPress account was created');
      assert.equal(user.user_email, HANA.email);
      assert.deepEqual(user.roles, ['subscriber'], 'Halext is_admin grants nothing while no admin role is configured');
      assert.equal(user.meta.halext_sso_created, '1');
      const mapping = wpEval(['resolve', 'wordpress', String(user.ID)], { extension: true });
      assert.equal(mapping.status, 'linked');
      assert.equal(mapping.halext_username, HANA.username);

      const denied = await page.goto(`${env.halextWp}/wp-admin/options-general.php?page=halext-sso`);
      assert.equal(denied.status(), 403);

      // The password lives on Halext: no WordPress password field, the Halext account is named.
      await page.goto(`${env.halextWp}/wp-admin/profile.php`);
      assert.equal(await page.locator('.wp-generate-pw, #pass1').count(), 0, 'no WordPress password fields');
      assert.match(await page.locator('.halext-sso-account').innerText(), new RegExp(HANA.username));
      await screenshot(page, 'halext-only-user-profile');
    });
  });

  it('links an existing account by email only with proof of its WordPress password (no takeover)', async () => {
    requireHalextFlows();
    await withPage(async (page) => {
      // Halext account with the email of an unlinked WordPress account and a different password:
      // Halext accepts the login, but nothing proves control of the WordPress account.
      await login(page, env.halextWp, MALLORY.username, MALLORY.password);
      assert.match(await loginError(page), /already uses the email address of your Halext account/);
      await screenshot(page, 'email-link-refused');
      await docShot(page, 'wordpress-email-link-refused', page.locator('#login'));
      assert.equal(wpEval(['user', MALLORY.username]), null, 'no second account was created');
      assert.equal(wpEval(['resolve', 'wordpress', '2'], { extension: true }), null, 'bob stays unlinked');

      // The owner: the typed password is also the WordPress account's own (phpass) password.
      await login(page, env.halextWp, ZERO.username, ZERO.password);
      assert.equal(await loginError(page), '');
      await page.locator('#wpadminbar').waitFor();
      const mapping = wpEval(['resolve', 'wordpress', '11'], { extension: true });
      assert.equal(mapping.status, 'linked');
      assert.equal(mapping.halext_username, ZERO.username);
      assert.equal(wpEval(['user', ZERO.username]), null, 'linked, not duplicated');
    });
  });

  it('asks for the Halext password when the legacy user already has a Halext account, then links the two', async () => {
    requireHalextFlows();
    await withPage(async (page, context) => {
      await login(page, env.halextWp, 'noemail', 'correct horse');
      assert.match(page.url(), /action=halext_link/, `the second step is shown (${page.url()})`);
      assert.match(await page.locator('.halext-sso-link-intro').innerText(), /You already have a Halext account, noemail/);
      const ticket = (await context.cookies()).find((c) => c.name === 'halext_sso_link');
      assert.ok(ticket && ticket.httpOnly && ticket.sameSite === 'Strict', 'the step is tied to this browser');
      await screenshot(page, 'halext-password-required');
      await docShot(page, 'wordpress-link-halext-account', page.locator('#login'));
      const before = wpEval(['resolve', 'wordpress', '7'], { extension: true });
      assert.ok(!before || before.status !== 'linked', 'nothing is linked before the Halext password');

      const submit = async (password) => {
        await page.fill('#halext_link_password', password);
        await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#wp-submit')]);
      };
      await submit('correct horse');
      assert.match(await loginError(page), /not the password of this Halext account/);
      assert.equal((await context.cookies()).some((c) => c.name === 'halext_token'), false, 'no token yet');

      await submit(NOEMAIL.password);
      assert.equal(await loginError(page), '');
      assert.match(page.url(), /\/wp-admin\/?$/);
      await page.locator('#wpadminbar').waitFor();
      const cookies = await context.cookies();
      const token = cookies.find((c) => c.name === 'halext_token');
      assert.ok(token, 'the Halext token cookie is set');
      assert.equal(jwtPayload(token.value).sub, NOEMAIL.username);
      assert.equal(cookies.some((c) => c.name === 'halext_sso_link'), false, 'the step is over');
      const mapping = wpEval(['resolve', 'wordpress', '7'], { extension: true });
      assert.equal(mapping.status, 'linked');
      assert.equal(mapping.halext_username, NOEMAIL.username);
      assert.equal(await halext.canLogin(NOEMAIL.username, NOEMAIL.password), true, 'the Halext password is unchanged');

      // The ticket is spent: the step cannot be replayed.
      await page.goto(`${env.halextWp}/wp-login.php?action=halext_link`);
      assert.match(await loginError(page), /sign-in step has expired/);

      // From now on the person signs in with the Halext password, to the same account.
      await logout(page, env.halextWp);
      await login(page, env.halextWp, NOEMAIL.username, NOEMAIL.password);
      assert.equal(await loginError(page), '');
      const rest = await restAsBrowser(page, env.halextWp, '/halext/v1/me');
      assert.equal(rest.body.wordpress_user_id, 7, JSON.stringify(rest));
    });
  });

  it('maps Halext is_admin to the configured role, and takes it back', async () => {
    requireHalextFlows();
    try {
      patchSettings({ admin_role: 'editor' });
      await withPage(async (page) => {
        await login(page, env.halextWp, HANA.username, HANA.password);
        assert.equal(await loginError(page), '');
      });
      let user = wpEval(['user', HANA.username]);
      assert.ok(user.roles.includes('editor'), `editor granted (${user.roles})`);
      assert.equal(user.meta.halext_sso_granted_role, 'editor');

      patchSettings({ admin_role: '' });
      await withPage(async (page) => {
        await login(page, env.halextWp, HANA.username, HANA.password);
        assert.equal(await loginError(page), '');
      });
      user = wpEval(['user', HANA.username]);
      assert.deepEqual(user.roles, ['subscriber'], 'the granted role is removed again');
      assert.equal(user.meta.halext_sso_granted_role, '');
    } finally {
      patchSettings({ admin_role: '' });
    }
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    requireHalextFlows();
    await withPage(async (page) => {
      await login(page, env.halextWp, 'bob', 'not bob\'s password');
      const wrong = await loginError(page);
      assert.match(wrong, new RegExp(INVALID_CREDENTIALS.replace(/[.]/g, '\\.')));
      await screenshot(page, 'wrong-password');
      await docShot(page, 'wordpress-login-error', page.locator('#login'));
      await login(page, env.halextWp, 'nobody-here', 'whatever 123');
      assert.equal(await loginError(page), wrong, 'unknown user and wrong password look the same');
      await login(page, env.halextWp, HANA.username, 'not hana\'s password');
      assert.equal(await loginError(page), wrong);
      assert.equal(wpEval(['user', 'nobody-here']), null, 'nothing was created');
    });
  });

  it('registers new users through Halext and shows Halext duplicates as WordPress errors', async () => {
    requireHalextFlows();
    try {
      patchSettings({ registration: true });
      await withPage(async (page) => {
        const register = async (login, email, password) => {
          await page.goto(`${env.halextWp}/wp-login.php?action=register`);
          await page.fill('#user_login', login);
          await page.fill('#user_email', email);
          await page.fill('#halext_password', password);
          await Promise.all([page.waitForNavigation(), page.click('#wp-submit')]);
        };

        await register('newbie', 'newbie@example.net', 'newbie pass 123');
        assert.match(page.url(), /checkemail=registered/);
        await screenshot(page, 'registration-complete');
        const user = wpEval(['user', 'newbie']);
        assert.ok(user, 'the WordPress account exists');
        assert.equal(await halext.canLogin('newbie', 'newbie pass 123'), true, 'the Halext account exists with that password');
        const mapping = wpEval(['resolve', 'wordpress', String(user.ID)], { extension: true });
        assert.equal(mapping.status, 'linked');
        assert.equal(mapping.method, 'registration');
        assert.match(fs.readFileSync(path.join(env.artifacts, 'mail.log'), 'utf8'), /your Halext password/);

        // Taken on Halext only: WordPress's usual messages.
        await register(TAKEN.username, 'someone-else@example.net', 'another pass 123');
        assert.match(await loginError(page), /This username is already registered/);
        await screenshot(page, 'registration-duplicate-username');
      await docShot(page, 'wordpress-registration-duplicate', page.locator('#login'));
        await register('fresh-name', TAKEN.email, 'another pass 123');
        assert.match(await loginError(page), /This email address is already registered/);
        assert.equal(wpEval(['user', TAKEN.username]), null);
        assert.equal(wpEval(['user', 'fresh-name']), null);

        // The new account signs in with the chosen password.
        await login(page, env.halextWp, 'newbie', 'newbie pass 123');
        assert.equal(await loginError(page), '');
      });
    } finally {
      patchSettings({ registration: false });
    }
  });

  it('falls back to WordPress passwords when the migration is not configured, so nobody is locked out', async () => {
    requireHalextFlows();
    try {
      patchSettings({ config_path: '/nonexistent/halext.toml' });
      await withPage(async (page) => {
        // zerodate: a legacy phpass hash WordPress 6.1 can check itself.
        await login(page, env.halextWp, 'zerodate', 'correct horse');
        assert.equal(await loginError(page), '');
        await page.locator('#wpadminbar').waitFor();
        await login(page, env.halextWp, 'zerodate', 'wrong horse');
        assert.notEqual(await loginError(page), '', 'a wrong password is still refused');
      });
      // The operator is told (PHP's error log, which WP_DEBUG_LOG points at wp-debug.log here).
      assert.match(fs.readFileSync(path.join(env.artifacts, 'wp-debug.log'), 'utf8'), /halext-sso: .* failed: config/);
    } finally {
      patchSettings({ config_path: '' });
    }
  });

  it('authenticates REST requests that carry a Halext bearer token or the token cookie', async () => {
    requireHalextFlows();
    const token = await halext.token(HANA.username, HANA.password);
    const url = `${env.halextWp}/?rest_route=/halext/v1/me`;

    const ok = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    const body = await ok.json();
    assert.equal(body.halext_username, HANA.username);
    assert.equal(body.authenticated_by, 'bearer');
    assert.equal(body.halext_user.email, HANA.email);

    const bad = await fetch(url, { headers: { Authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).code, 'halext_invalid_token');
    const none = await fetch(url);
    assert.equal(none.status, 401);

    // The cookie alone signs the browser in on normal pages; REST still wants the nonce.
    await withPage(async (page, context) => {
      await context.addCookies([{ name: 'halext_token', value: token, url: env.halextWp, httpOnly: true, sameSite: 'Lax' }]);
      await page.goto(`${env.halextWp}/`);
      await page.locator('#wpadminbar').waitFor();
      await screenshot(page, 'token-cookie-front-page');
      const rest = await page.request.get(url);
      assert.equal(rest.status(), 401, 'a cookie-authenticated REST request without nonce runs logged out');
    });
  });
});

describe('plugin health', () => {
  it('logged no PHP errors, warnings or notices from the plugin', () => {
    const logFile = path.join(env.artifacts, 'wp-debug.log');
    const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : [];
    const ours = lines.filter((l) => l.includes('halext-sso') && /PHP (Fatal|Warning|Notice|Parse|Deprecated)/.test(l));
    assert.deepEqual(ours, []);
  });
});
