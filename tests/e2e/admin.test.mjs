// The alttphacking.net lite admin (examples/php/alttphacking-admin) in headless Chromium, against
// the Halext test server through the real extension. Run by scripts/test-e2e.sh, which starts
// `php -S` on the admin (E2E_ALTTP_ADMIN_URL) with the extension and HALEXT_URL set.
//
// Media: Halext saves uploads and answers a `public_url` under HALEXT_MEDIA_URL_BASE, which nginx
// serves, not the API (halext-api.md §3.4); the test server stores no files and answers
// https://halext.org/img/uploads/<uuid>.png. The browser context here plays nginx for that
// base: it answers each such request with the fixture that was uploaded (and records it), so
// no request leaves the machine and the page really shows the image.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { env, requireHalext } from './lib/env.mjs';
import { launchBrowser, newPage, screenshot, docShot } from './lib/browser.mjs';
import * as halext from './lib/halext.mjs';

const ADMIN_URL = process.env.E2E_ALTTP_ADMIN_URL || '';
const ADMIN_LOG = process.env.E2E_ALTTP_ADMIN_LOG || '';
const MEDIA_BASE = 'https://halext.org/img/uploads/';
const FIXTURE = path.join(env.root, 'tests', 'e2e', 'support', 'fixtures', 'triforce.png');

// Halext users (test server only): an administrator and a regular user.
const LINK = { username: 'link', email: 'link@alttphacking.test', password: 'master sword 1', is_admin: true };
const ZELDA = { username: 'zelda', email: 'zelda@alttphacking.test', password: 'wisdom triforce 1' };

let browser;
let seedError = null;

before(async () => {
  console.log(`# screenshots: ${path.join(env.artifacts, 'screenshots')}`);
  console.log(`# lite admin: ${ADMIN_URL || '(E2E_ALTTP_ADMIN_URL not set)'}; Halext test server: ${env.halextApi || env.halextApiStatus}`);
  browser = await launchBrowser();
  if (env.halextApi) {
    try {
      await halext.seedUser(LINK);
      await halext.seedUser(ZELDA);
    } catch (e) {
      seedError = e.message;
    }
  }
});

after(async () => {
  if (browser) await browser.close();
});

function requireAdminFlows() {
  const extra = [];
  if (!ADMIN_URL) extra.push('E2E_ALTTP_ADMIN_URL is not set: run through scripts/test-e2e.sh');
  if (seedError) extra.push(`seeding the Halext test server failed: ${seedError}`);
  requireHalext(extra);
}

/** Runs `fn(page, context, media)` in a fresh context; `media` lists the media URLs the page loaded. */
async function withPage(fn) {
  const { context, page } = await newPage(browser);
  const media = [];
  await context.route(`${MEDIA_BASE}**`, async (route) => {
    media.push(route.request().url());
    await route.fulfill({ status: 200, contentType: 'image/png', body: fs.readFileSync(FIXTURE) });
  });
  try {
    return await fn(page, context, media);
  } finally {
    await context.close();
  }
}

/** Fills and submits the sign-in form; returns the response of the POST. */
async function signIn(page, user) {
  await page.goto(`${ADMIN_URL}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return response;
}

/** Submits the current form with its button and returns the final response. */
async function submit(page, name) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
    page.getByRole('button', { name }).click(),
  ]);
  return response;
}

/** The admin's blog posts, straight from the Halext test server. */
async function halextPosts() {
  const token = await halext.token(LINK.username, LINK.password);
  const res = await fetch(`${env.halextApi}/content/admin/blog-posts`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return res.json();
}

/** The number of uploads in the Halext media library. */
async function halextMediaCount() {
  const token = await halext.token(LINK.username, LINK.password);
  const res = await fetch(`${env.halextApi}/content/admin/media`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return (await res.json()).length;
}

async function sessionCookie(context) {
  return (await context.cookies()).find((c) => c.name === 'alttp_admin');
}

describe('alttphacking.net lite admin (PHP with the extension, Halext test server)', () => {
  it('refuses a Halext user who is not an administrator, and gives them no session', async () => {
    requireAdminFlows();
    await withPage(async (page, context) => {
      const response = await signIn(page, ZELDA);
      assert.equal(response.status(), 403);
      const refusal = page.getByRole('alert');
      assert.match(await refusal.innerText(), /This admin is for Halext administrators\./);
      assert.match(await refusal.innerText(), /zelda is not an administrator/);
      assert.equal(await sessionCookie(context), undefined, 'the session cookie is gone');
      await screenshot(page, 'admin-non-admin-refused');
      await docShot(page, 'alttp-admin-refused', { height: 360 });

      // Nothing of the admin is reachable afterwards.
      await page.goto(`${ADMIN_URL}/news`);
      assert.match(page.url(), /\/login$/, 'the news page sends an anonymous visitor to the sign-in form');
      assert.equal(await page.getByRole('navigation', { name: 'Admin' }).count(), 0);
    });
  });

  it('refuses a wrong password with a form error and keeps the username', async () => {
    requireAdminFlows();
    await withPage(async (page) => {
      const response = await signIn(page, { ...LINK, password: 'wrong password' });
      assert.equal(response.status(), 200);
      const summary = page.getByRole('alert');
      assert.match(await summary.innerText(), /Halext did not accept this username or password\./);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'the error summary has the focus');
      assert.equal(await page.getByLabel('Username or email').inputValue(), LINK.username);
      assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is never echoed back');
    });
  });

  it('lets an admin post a news item with an image, which the public blog list then shows', async () => {
    requireAdminFlows();
    const mediaBefore = await halextMediaCount();
    await withPage(async (page, context, media) => {
      await page.goto(`${ADMIN_URL}/login`);
      const idBefore = (await sessionCookie(context))?.value;
      assert.ok(idBefore, 'the sign-in form has an anonymous session (for its CSRF token)');
      await signIn(page, LINK);
      assert.match(page.url(), /\/news$/);
      assert.match(await page.getByRole('status').innerText(), /Signed in as link\./);
      const cookie = await sessionCookie(context);
      assert.ok(cookie, 'the admin has a session');
      assert.notEqual(cookie.value, idBefore, 'the session id changed at sign-in');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');

      await page.getByRole('link', { name: 'Write a news item' }).click();
      await page.getByLabel('Title').fill('Randomizer v4 released');
      await page.getByLabel('Summary').fill('New logic, new item pools, and keysanity for everyone.');
      await page.getByLabel('Text (Markdown)').fill('The **v4** randomizer is out.\n\nSee the changelog on the resources page.');
      await page.getByLabel('Tags').fill('randomizer, release');
      await page.getByLabel('Image file').setInputFiles(FIXTURE);
      await page.getByLabel('Image description').fill('The golden Triforce on green');
      await page.getByLabel('Published (on the public blog)').check();
      await screenshot(page, 'admin-news-form-filled');
      const response = await submit(page, 'Save news item');
      assert.equal(response.status(), 200);
      assert.match(page.url(), /\/news$/);
      assert.match(await page.getByRole('status').innerText(), /News item “Randomizer v4 released” published\./);
      const row = page.getByRole('row', { name: /Randomizer v4 released/ });
      assert.match(await row.innerText(), /Published/);
      await screenshot(page, 'admin-news-list');

      // On Halext: the post, its image in the media library, the image embedded with its description.
      const post = (await halextPosts()).find((p) => p.slug === 'randomizer-v4-released');
      assert.ok(post, 'Halext has the post under the slug made from the title');
      assert.equal(post.status, 'published');
      assert.deepEqual(post.tags, ['randomizer', 'release']);
      assert.ok(post.hero_image_url.startsWith(MEDIA_BASE), post.hero_image_url);
      assert.ok(post.body_markdown.startsWith(`![The golden Triforce on green](${post.hero_image_url})\n\n`), post.body_markdown);
      assert.equal(await halextMediaCount(), mediaBefore + 1, 'one upload');

      // The public list, as any visitor sees it (the same browser, but /blog needs no session).
      await page.getByRole('link', { name: 'Public blog' }).click();
      const article = page.getByRole('article', { name: 'Randomizer v4 released' });
      await article.waitFor();
      assert.match(await article.innerText(), /New logic, new item pools/);
      const img = article.getByRole('img', { name: 'The golden Triforce on green' });
      assert.equal(await img.getAttribute('src'), post.hero_image_url);
      await page.waitForFunction((el) => el.complete, await img.elementHandle());
      assert.equal(await img.evaluate((el) => el.naturalWidth), 48, 'the image loaded');
      assert.ok(media.includes(post.hero_image_url), 'the browser fetched the uploaded image');
      await screenshot(page, 'admin-public-blog');
      await docShot(page, 'alttp-admin-public-blog', { height: 560 });
    });

    // And with no session at all.
    await withPage(async (page) => {
      await page.goto(`${ADMIN_URL}/blog`);
      assert.equal(await page.getByRole('heading', { name: 'Randomizer v4 released' }).count(), 1);
    });
  });

  it('shows a Halext rejection (duplicate slug) next to the field, keeping the text and the uploaded image', async () => {
    requireAdminFlows();
    const mediaBefore = await halextMediaCount();
    await withPage(async (page) => {
      await signIn(page, LINK);
      await page.goto(`${ADMIN_URL}/news/new`);
      await page.getByLabel('Title').fill('Randomizer v4 released (again)');
      await page.getByLabel('Address (slug)').fill('randomizer-v4-released');
      await page.getByLabel('Text (Markdown)').fill('A second post with a taken slug.');
      await page.getByLabel('Image file').setInputFiles(FIXTURE);
      await page.getByLabel('Image description').fill('Triforce again');
      const response = await submit(page, 'Save news item');
      assert.equal(response.status(), 422);

      const summary = page.getByRole('alert');
      assert.match(await summary.innerText(), /There is a problem/);
      assert.match(await summary.innerText(), /Halext: Slug already exists/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'the error summary has the focus');
      assert.equal(await summary.getByRole('link', { name: /Slug already exists/ }).getAttribute('href'), '#f-slug');
      const slug = page.getByLabel('Address (slug)');
      assert.equal(await slug.getAttribute('aria-invalid'), 'true');
      assert.match(await slug.getAttribute('aria-describedby'), /f-slug-error/);
      assert.match(await page.locator('#f-slug-error').innerText(), /Halext: Slug already exists/);
      assert.equal(await page.getByLabel('Title').inputValue(), 'Randomizer v4 released (again)', 'the text is kept');
      assert.equal(await page.getByLabel('Text (Markdown)').inputValue(), 'A second post with a taken slug.');
      assert.match(await page.locator('.pending-image').innerText(), /already uploaded to Halext/);
      assert.equal(await halextMediaCount(), mediaBefore + 1, 'the image was uploaded once');
      await screenshot(page, 'admin-duplicate-slug');
      await docShot(page, 'alttp-admin-slug-error', { height: 560 });

      // A local rule too: an empty title is refused before anything is sent.
      await page.getByLabel('Title').fill('');
      await page.getByLabel('Address (slug)').fill('randomizer-v4-again');
      assert.equal((await submit(page, 'Save news item')).status(), 422);
      assert.match(await page.locator('#f-title-error').innerText(), /Enter a title\./);

      // Fixed: saved with the image uploaded before, without a second upload.
      await page.getByLabel('Title').fill('Randomizer v4 released (again)');
      await submit(page, 'Save news item');
      assert.match(page.url(), /\/news$/);
      const post = (await halextPosts()).find((p) => p.slug === 'randomizer-v4-again');
      assert.ok(post, 'saved under the new slug');
      assert.equal(post.status, 'draft', 'draft is the default');
      assert.ok(post.hero_image_url.startsWith(MEDIA_BASE));
      assert.equal(await halextMediaCount(), mediaBefore + 1, 'still one upload');
    });
  });

  it('refuses a POST with a forged or missing CSRF token, changing nothing', async () => {
    requireAdminFlows();
    await withPage(async (page, context) => {
      await signIn(page, LINK);
      await page.goto(`${ADMIN_URL}/news/new`);
      await page.getByLabel('Title').fill('Forged post');
      await page.getByLabel('Text (Markdown)').fill('Should never reach Halext.');
      await page.evaluate(() => {
        document.querySelector('form[action="/news/new"] input[name="csrf"]').value = 'forged';
      });
      const response = await submit(page, 'Save news item');
      assert.equal(response.status(), 403);
      assert.match(await page.locator('main').innerText(), /This form has expired or did not come from this site/);
      await screenshot(page, 'admin-csrf-forged');

      // Without the field at all, with the admin's session cookie (what a cross-site form sends).
      const res = await page.request.post(`${ADMIN_URL}/news/new`, {
        form: { title: 'Forged post', body: 'x', status: 'published' },
        maxRedirects: 0,
      });
      assert.equal(res.status(), 403);
      // And the delete confirmation's POST, likewise.
      const del = await page.request.post(`${ADMIN_URL}/news/delete?slug=randomizer-v4-released`, { form: {}, maxRedirects: 0 });
      assert.equal(del.status(), 403);
      // Sign-in without a session (no token to compare with).
      const anon = await browser.newContext();
      try {
        const r = await anon.request.post(`${ADMIN_URL}/login`, {
          form: { username: LINK.username, password: LINK.password },
          maxRedirects: 0,
        });
        assert.equal(r.status(), 403);
      } finally {
        await anon.close();
      }
      const slugs = (await halextPosts()).map((p) => p.slug);
      assert.equal(slugs.includes('forged-post'), false, 'nothing was created');
      assert.ok(slugs.includes('randomizer-v4-released'), 'nothing was deleted');
      assert.ok(await sessionCookie(context), 'the admin stays signed in');
    });
  });

  it('manages hacks as Halext site pages: add, edit, delete', async () => {
    requireAdminFlows();
    await withPage(async (page) => {
      await signIn(page, LINK);
      await page.getByRole('link', { name: 'Hacks' }).click();
      await page.getByRole('link', { name: 'Add a hack' }).click();
      await page.getByLabel('Title').fill('Parallel Worlds');
      await page.getByLabel('Summary').fill('A classic full-game hack.');
      await page.getByLabel('Description').fill('New overworld, new dungeons.');
      await page.getByLabel('Download link').fill('not a url');
      assert.equal((await submit(page, 'Save hack')).status(), 422);
      assert.match(await page.locator('#f-link_url-error').innerText(), /full http:\/\/ or https:\/\/ address/);
      await page.getByLabel('Download link').fill('https://alttphacking.test/patches/parallel-worlds.bps');
      await page.getByLabel('Published (visible on the public site)').check();
      await submit(page, 'Save hack');
      assert.match(page.url(), /\/hacks$/);
      assert.match(await page.getByRole('status').innerText(), /Hack “Parallel Worlds” saved and published\./);
      const row = page.getByRole('row', { name: /Parallel Worlds/ });
      assert.match(await row.innerText(), /hack-parallel-worlds/);

      // Published on Halext: the public page route answers it.
      const pub = await fetch(`${env.halextApi}/content/public/pages/hack-parallel-worlds`);
      assert.equal(pub.status, 200);
      const pageJson = await pub.json();
      assert.deepEqual(pageJson.nav_links.map((l) => l.url), ['https://alttphacking.test/patches/parallel-worlds.bps']);
      assert.equal(pageJson.sections[0].body, 'New overworld, new dungeons.');

      await row.getByRole('link', { name: /Edit/ }).click();
      await page.getByLabel('Title').fill('Parallel Worlds 1.2');
      await submit(page, 'Save hack');
      assert.match(await page.getByRole('status').innerText(), /“Parallel Worlds 1\.2” saved/);

      await page.getByRole('row', { name: /Parallel Worlds 1\.2/ }).getByRole('link', { name: /Delete/ }).click();
      await submit(page, 'Delete hack');
      assert.match(await page.getByRole('status').innerText(), /Hack “Parallel Worlds 1\.2” deleted\./);
      assert.equal((await fetch(`${env.halextApi}/content/public/pages/hack-parallel-worlds`)).status, 404);
      // Resources are a separate list on the same Halext pages.
      await page.getByRole('link', { name: 'Resources' }).click();
      assert.match(await page.locator('main').innerText(), /No resources yet\./);
    });
  });

  it('lists the media library, edits a news item (removing its image) and signs out', async () => {
    requireAdminFlows();
    await withPage(async (page, context) => {
      await signIn(page, LINK);
      await page.getByRole('link', { name: 'Media' }).click();
      const items = page.locator('.media-grid li');
      assert.ok((await items.count()) >= 2, 'the uploads of the news items are listed');
      assert.equal(await page.getByRole('img', { name: 'The golden Triforce on green' }).count(), 1);
      await screenshot(page, 'admin-media');

      // Editing a news item: remove its image (hero and embed), publish it.
      await page.getByRole('link', { name: 'News' }).click();
      await page.getByRole('row', { name: /Randomizer v4 released \(again\)/ }).getByRole('link', { name: /Edit/ }).click();
      assert.match(await page.getByLabel('Text (Markdown)').inputValue(), /^!\[Triforce again\]\(https:/);
      await page.getByLabel('Remove the image').check();
      await page.getByLabel('Published (on the public blog)').check();
      await submit(page, 'Save news item');
      assert.match(await page.getByRole('status').innerText(), /“Randomizer v4 released \(again\)” published\./);
      const edited = (await halextPosts()).find((p) => p.slug === 'randomizer-v4-again');
      assert.equal(edited.hero_image_url, '');
      assert.equal(edited.body_markdown, 'A second post with a taken slug.');
      assert.equal(edited.status, 'published');

      const signedIn = (await sessionCookie(context)).value;
      await submit(page, 'Sign out');
      assert.match(page.url(), /\/login\?signed-out=1$/);
      assert.match(await page.getByRole('status').innerText(), /You have signed out\./);
      assert.notEqual((await sessionCookie(context))?.value, signedIn, 'the signed-in session id is gone');
      await page.goto(`${ADMIN_URL}/media`);
      assert.match(page.url(), /\/login$/);

      // The old session id is dead on the server too (not just forgotten by this browser).
      const replay = await browser.newContext();
      try {
        await replay.addCookies([{ name: 'alttp_admin', value: signedIn, url: ADMIN_URL }]);
        const res = await replay.request.get(`${ADMIN_URL}/media`, { maxRedirects: 0 });
        assert.equal(res.status(), 303);
        assert.equal(res.headers().location, '/login');
      } finally {
        await replay.close();
      }
    });
  });
});

describe('lite admin health', () => {
  it('logged no PHP errors, warnings or notices', () => {
    requireAdminFlows();
    assert.ok(ADMIN_LOG, 'E2E_ALTTP_ADMIN_LOG is set');
    const log = fs.readFileSync(ADMIN_LOG, 'utf8');
    const problems = log.split('\n').filter((l) => /PHP (Fatal|Parse|Warning|Notice|Deprecated)|alttphacking-admin:/.test(l));
    assert.deepEqual(problems, []);
  });
});
