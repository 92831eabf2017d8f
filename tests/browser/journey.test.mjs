// The whole journey of one creator against the real DevHost, one step per test, in order:
// sign up (link read from the dev mailbox) → onboarding → a streamed chat with the offline coach →
// export and download of the ZIP → deletion of the account → signing in again makes a new, empty account.
// Throughout: no request leaves 127.0.0.1, the only cookie is jimp_session, and local storage holds only
// the keys listed in web/src/storage-keys.json.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, STORAGE_KEYS, apiInPage, askLink, journeySteps, linkAskedInPage, signInLinkFor, useJourney, waitForMail } from './lib.mjs';

const email = `journey-${Date.now()}-${process.pid}@example.com`;
let context;
let page;
const { external, errors } = useJourney({ ready: (journey) => ({ context, page } = journey) });
const step = journeySteps(test);
const api = (path, init) => apiInPage(page, path, init);

async function requestLink() {
  const link = await linkAskedInPage(page, email);
  assert.ok(link.startsWith(`${BASE_URL}/#/verify?token=`), link);
  return link;
}

describe('journey of one creator (real API)', () => {
  step('signs up with the link from the dev mailbox and lands on onboarding', async () => {
    const policy = await fetch(`${BASE_URL}/api/policy`);
    assert.equal(policy.status, 200, 'GET /api/policy: the accounts API must be in this build');
    const link = await requestLink();
    await page.goto(link);
    await page.getByTestId('verify-continue').click();
    await page.waitForURL(/#\/onboarding$/, { timeout: 15000 });
    const cookies = await context.cookies();
    assert.deepEqual(cookies.map((c) => c.name), [STORAGE_KEYS.cookies[0]]);
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].sameSite, 'Lax');
  });

  step('completes onboarding and reaches the chat', async () => {
    await page.getByTestId('niches-beauty').check();
    await page.getByTestId('goals-first-sale').check();
    await page.getByTestId('profile-save').click();
    await page.waitForURL(/#\/chat$/);
    const profile = await api('/api/me/profile');
    assert.equal(profile.status, 200);
    assert.deepEqual(profile.json.niches, ['beauty']);
  });

  step('another account\'s link opened in this signed-in browser asks before switching (login CSRF)', async () => {
    const other = `other-${Date.now()}-${process.pid}@example.com`;
    const since = Date.now() - 1000;
    await askLink(other);
    await page.goto(await signInLinkFor(other, { after: since }));
    await page.getByTestId('verify-signed-in-as').filter({ hasText: email }).waitFor();
    await page.getByTestId('verify-continue').click();
    await page.getByTestId('verify-switch').waitFor();
    assert.equal((await api('/api/me')).json.email, email, 'still signed in to the same account');
    await page.getByTestId('verify-stay').click();
    await page.waitForURL(/#\/chat$/);
    assert.equal((await api('/api/me')).json.email, email);
  });

  step('chats with the offline coach: the answer streams in and the offline badge shows', async () => {
    await page.goto('/#/chat');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid="chat-input"]')?.disabled === false);
    assert.deepEqual(await page.evaluate(() => window.__inputEnabledWithNotice), [true], 'AI notice visible before the input was enabled');
    await page.getByTestId('chat-input').fill('Donne-moi des idées de hooks pour un sérum visage');
    await page.getByTestId('chat-send').click();
    const answer = page.locator('.msg-assistant').last();
    await page.waitForFunction(() => (document.querySelector('.msg-assistant:last-of-type .msg-body')?.textContent ?? '').length > 0, null, { timeout: 30000 });
    await page.waitForFunction(() => !document.querySelector('[data-streaming]'), null, { timeout: 60000 });
    assert.ok((await answer.locator('.msg-body').innerText()).length > 40, 'the answer has text');
    assert.equal(await answer.locator('[data-testid="retry"]').count(), 0, 'the turn did not fail');
    assert.equal(await page.getByTestId('offline-badge').isVisible(), true);
    assert.match(page.url(), /#\/chat\/[^/]+$/);
    // The web app sends no title: the server names the conversation after the first message, and the page shows it.
    const named = 'Donne-moi des idées de hooks pour un sérum visage';
    assert.equal((await page.locator('h1.chat-title').innerText()).trim(), named);
    const listed = await page.evaluate(async () => (await (await fetch('/api/conversations', { credentials: 'same-origin' })).json()).items.map((c) => c.title));
    assert.deepEqual(listed, [named]);
  });

  step('requests an export and downloads a ZIP', async () => {
    await page.goto('/#/privacy');
    await page.getByTestId('export-request').click();
    const link = page.getByTestId('export-download').first();
    await link.waitFor({ timeout: 90000 });
    const magic = await page.evaluate(async (href) => {
      const r = await fetch(href, { credentials: 'same-origin' });
      const bytes = new Uint8Array(await r.arrayBuffer());
      return [r.status, r.headers.get('Content-Type'), String.fromCharCode(bytes[0], bytes[1])];
    }, await link.getAttribute('href'));
    assert.equal(magic[0], 200);
    assert.match(magic[1], /zip/);
    assert.equal(magic[2], 'PK');
  });

  step('deletes the account after typing the e-mail address, and is signed out', async () => {
    await page.getByTestId('delete-account').click();
    await page.getByTestId('delete-confirm').fill(email);
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('send-link').waitFor({ timeout: 30000 });
    assert.equal((await api('/api/me')).status, 401);
  });

  step('signing in again with the same address creates a new, empty account', async () => {
    // Erasure runs as an orchestration, and a sign-in while it runs is refused (account-erasing): wait for its
    // confirmation, sent once everything is deleted.
    await waitForMail(email, /supprimé|deleted/);
    const link = await requestLink();
    await page.goto(link);
    await page.getByTestId('verify-continue').click();
    await page.waitForURL(/#\/onboarding$/, { timeout: 15000 });
    assert.equal((await api('/api/me/profile')).status, 404);
    const conversations = await api('/api/conversations');
    assert.deepEqual(conversations.json.items, []);
    const exports = await api('/api/me/exports');
    assert.deepEqual(exports.json.items, []);
  });

  test('no request left 127.0.0.1; the only cookie is jimp_session; local storage keys are listed', async () => {
    if (!page.url().startsWith(BASE_URL)) await page.goto('/#/policy'); // the journey stopped before loading the app
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
    for (const cookie of await context.cookies()) assert.ok(STORAGE_KEYS.cookies.includes(cookie.name), `cookie ${cookie.name}`);
    const keys = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
    for (const key of keys) assert.ok([...STORAGE_KEYS.localStorage, ...STORAGE_KEYS.sessionStorage].includes(key), `storage key ${key}`);
  });
});
