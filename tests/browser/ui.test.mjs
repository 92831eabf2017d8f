// The interface itself, against the DevHost's static files and an in-memory fake of the API
// (page.route): keyboard sign-in, messages for every error, the AI notice, inert Markdown, the privacy
// center, no external request, no CSP violation. Every page's language switch and screenshots: screens.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STORAGE_KEYS, TOKENS, contractViolations, fakePage, fakeState, screenshot, useBrowser } from './lib.mjs';

const run = useBrowser();
const external = [];
const errors = [];

const open = (hash, options) => fakePage(run.browser, hash, options, { external, errors });

async function tabTo(page, testId, max = 25) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testId) return;
  }
  throw new Error(`Tab never reached ${testId}`);
}

describe('interface (fake API)', () => {
  test('keyboard-only sign-in works with Tab, Space and Enter', async () => {
    const { context, page, state } = await open('#/', { state: fakeState({ signedIn: false }) });
    await page.getByTestId('send-link').waitFor();
    await page.locator('.policy-version').filter({ hasText: '2.0.0' }).waitFor();
    await tabTo(page, 'email');
    await page.keyboard.type('lea@example.com');
    await tabTo(page, 'age-confirm');
    await page.keyboard.press('Space');
    await tabTo(page, 'terms-accept');
    await page.keyboard.press('Space');
    await tabTo(page, 'policy-accept');
    await page.keyboard.press('Space');
    await tabTo(page, 'send-link');
    await page.keyboard.press('Enter');
    await page.getByTestId('link-sent').waitFor();
    await screenshot(page, 'link-sent-fr-desktop');
    const sent = state.requestsSeen.find((r) => r.path === '/api/auth/link');
    assert.deepEqual(sent.body, { email: 'lea@example.com', locale: 'fr', ageConfirmed: true, acceptedPolicyVersion: '2.0.0', acceptedTermsVersion: '1.0.0' });
    assert.equal(sent.headers['x-requested-with'], 'jimp');
    await context.close();
  });

  test('the terms of use are accepted at sign-up, apart from the policy that is only read, and reachable from the footer', async () => {
    const { context, page } = await open('#/', { state: fakeState({ signedIn: false }) });
    await page.locator('.terms-version').filter({ hasText: '1.0.0' }).waitFor();
    assert.match(await page.locator('[data-field="acceptedTermsVersion"] label').textContent(), /^J'accepte les conditions générales d'utilisation \(version 1\.0\.0\)$/);
    assert.match(await page.locator('[data-field="acceptedPolicyVersion"] label').textContent(), /^J'ai lu la politique de confidentialité/);
    await page.getByTestId('footer-terms').click();
    await page.waitForURL(/#\/terms$/);
    await page.getByTestId('terms-document').locator('h1').filter({ hasText: "Conditions générales d'utilisation de JIMP" }).waitFor();
    await page.getByTestId('policy-lang-en').click();
    await page.getByTestId('terms-document').locator('h1').filter({ hasText: 'JIMP terms of use' }).waitFor();
    await context.close();
  });

  test('the age to confirm is the one the server is configured with', async () => {
    const { context, page } = await open('#/', { state: fakeState({ signedIn: false, minimumAge: 18 }) });
    await page.locator('[data-field="ageConfirmed"] label').filter({ hasText: "J'ai 18 ans ou plus" }).waitFor();
    await page.getByTestId('send-link').click();
    await page.locator('[data-field="ageConfirmed"] .field-error').filter({ hasText: 'JIMP est réservé aux personnes de 18 ans ou plus.' }).waitFor();
    await context.close();
  });

  test('sign-in explains missing fields and rate limiting', async () => {
    const { context, page, state } = await open('#/', { state: fakeState({ signedIn: false }) });
    await page.getByTestId('send-link').click();
    for (const field of ['email', 'ageConfirmed', 'acceptedTermsVersion', 'acceptedPolicyVersion']) {
      assert.equal(await page.locator(`[data-field="${field}"] .field-error`).isVisible(), true, field);
    }
    assert.equal(state.requestsSeen.filter((r) => r.path === '/api/auth/link').length, 0, 'nothing sent while invalid');
    state.linkStatus = 429;
    await page.getByTestId('email').fill('lea@example.com');
    await page.getByTestId('age-confirm').check();
    await page.getByTestId('terms-accept').check();
    await page.getByTestId('policy-accept').check();
    await page.getByTestId('send-link').click();
    await page.getByText('Réessayez dans 2 min').waitFor();
    await context.close();
  });

  test('the link landing explains expired, used and invalid links, and a good one signs in', async () => {
    for (const [token, code] of [['old', 'token-expired'], ['used', 'token-used'], ['nope', 'token-invalid']]) {
      const { context, page } = await open(`#/verify?token=${token}`, { state: fakeState({ signedIn: false }) });
      await page.getByTestId('verify-continue').click();
      const box = page.getByTestId('verify-error');
      await box.waitFor();
      assert.equal(await box.getAttribute('data-code'), code);
      await context.close();
    }
    const { context, page, state } = await open(`#/verify?token=${TOKENS.good}`, { state: fakeState({ signedIn: false, profile: null }) });
    await page.getByTestId('verify-continue').waitFor();
    await page.waitForTimeout(300);
    assert.equal(state.requestsSeen.filter((r) => r.path === '/api/auth/verify').length, 0, 'the page never posts the token by itself');
    await page.getByTestId('verify-continue').click();
    await page.waitForURL(/#\/onboarding$/);
    assert.equal(state.requestsSeen.filter((r) => r.path === '/api/auth/verify' && r.method === 'POST').length, 1);
    await context.close();
  });

  test('a signed-in browser opening another account\'s link is told who is signed in and asked (login CSRF)', async () => {
    for (const choice of ['stay', 'switch']) {
      const { context, page, state } = await open(`#/verify?token=${TOKENS.other}`, { state: fakeState({ signedIn: true }) });
      await page.getByTestId('verify-signed-in-as').filter({ hasText: 'lea@example.com' }).waitFor();
      await page.waitForTimeout(300);
      const posts = () => state.requestsSeen.filter((r) => r.path === '/api/auth/verify' && r.method === 'POST');
      assert.equal(posts().length, 0, 'nothing is posted without a click');
      await page.getByTestId('verify-continue').click();
      await page.getByTestId('verify-switch').waitFor();
      assert.match(await page.locator('main').innerText(), /lea@example\.com/);
      assert.deepEqual(posts().map((r) => r.body), [{ token: TOKENS.other }]);
      if (choice === 'stay') {
        await page.getByTestId('verify-stay').click();
        await page.waitForURL(/#\/chat$/);
        assert.equal(posts().length, 1);
      } else {
        await page.getByTestId('verify-switch').click();
        await page.waitForURL(/#\/chat$/);
        assert.deepEqual(posts().map((r) => r.body), [{ token: TOKENS.other }, { token: TOKENS.other, replaceSession: true }]);
      }
      await context.close();
    }
  });

  test('onboarding caps niches at 3, asks the commission target only for that goal, and shows field errors', async () => {
    const { context, page, state } = await open('#/onboarding', { state: fakeState({ profile: null }) });
    assert.equal(await page.getByTestId('commission-target').isVisible(), false);
    for (const id of ['beauty', 'home', 'pets']) await page.getByTestId(`niches-${id}`).check();
    assert.equal(await page.getByTestId('niches-food').isDisabled(), true);
    await page.getByTestId('goals-monthly-commission').check();
    await page.getByTestId('commission-target').fill('-5');
    await page.getByTestId('profile-save').click();
    await page.locator('[data-field="monthlyCommissionTargetEur"] .field-error').waitFor();
    assert.equal(state.profile, null);
    await page.getByTestId('commission-target').fill('800');
    await page.getByTestId('profile-save').click();
    await page.waitForURL(/#\/chat$/);
    assert.deepEqual(state.profile.niches, ['beauty', 'home', 'pets']);
    assert.equal(state.profile.monthlyCommissionTargetEur, 800);
    await context.close();
  });

  test('the AI notice is visible before the chat input is enabled', async () => {
    for (const hash of ['#/chat', '#/chat/c1']) {
      const { context, page } = await open(hash);
      await page.waitForFunction(() => document.querySelector('[data-testid="chat-input"]')?.disabled === false);
      const seen = await page.evaluate(() => window.__inputEnabledWithNotice);
      assert.deepEqual(seen, [true], hash);
      assert.match(await page.getByTestId('ai-disclosure').innerText(), /Vous parlez à une IA/);
      await context.close();
    }
  });

  test('a model answer with <script> or <img onerror> renders inert', async () => {
    const evil = 'Voici du **gras**.\n\n<script>window.__pwned = 1</script>\n\n<img src=x onerror="window.__pwned = 2">\n\n[clic](javascript:window.__pwned=3) et [ok](https://example.com)';
    const { context, page } = await open('#/chat', { state: fakeState({ nextAnswer: evil }) });
    const input = page.getByTestId('chat-input');
    await input.fill('Test');
    await page.getByTestId('chat-send').click();
    const answer = page.locator('.msg-assistant').last();
    await answer.locator('strong', { hasText: 'gras' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-streaming]'));
    const messages = page.getByTestId('messages');
    assert.equal(await messages.locator('script, img, iframe, [onerror]').count(), 0);
    assert.match(await answer.innerText(), /<script>window.__pwned = 1<\/script>/);
    assert.match(await answer.innerText(), /<img src=x onerror=/);
    const hrefs = await answer.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]));
    assert.deepEqual(hrefs, [['https://example.com/', 'noopener noreferrer', '_blank']]);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.getByTestId('offline-badge').isVisible(), true);
    await context.close();
  });

  test('a failed answer offers a retry that streams the answer', async () => {
    const { context, page, state } = await open('#/chat', { state: fakeState({ failStream: 'once' }) });
    await page.getByTestId('qa-hooks').click();
    await page.getByTestId('retry').click();
    await page.locator('.msg-assistant strong').first().waitFor();
    assert.ok(state.requestsSeen.some((r) => /\/messages\/um1\/retry$/.test(r.path)));
    await context.close();
  });

  test('the chat says when the account is restricted or when to try again', async () => {
    let { context, page } = await open('#/chat', { state: fakeState({ restricted: true }) });
    await page.getByText('Votre compte est limité').first().waitFor();
    assert.equal(await page.getByTestId('chat-input').isDisabled(), true);
    await context.close();
    ({ context, page } = await open('#/chat', { state: fakeState({ chatStatus: 429 }) }));
    await page.getByTestId('chat-input').fill('Bonjour');
    await page.getByTestId('chat-send').click();
    await page.getByText('Réessayez dans 30 s').waitFor();
    await context.close();
  });

  test('the chat says when the day\'s budget renews, and why an answer came from the playbooks', async () => {
    let { context, page } = await open('#/chat', { state: fakeState({ chatStatus: 'budget-used' }) });
    await page.getByTestId('chat-input').fill('Bonjour');
    await page.getByTestId('chat-send').click();
    await page.getByTestId('budget-used').filter({ hasText: 'Vous avez utilisé tous vos messages du jour' }).waitFor();
    await context.close();
    for (const [doneNotice, text] of [[{ code: 'model-busy', retryAfter: 30, resetsAt: null }, 'Réessayez dans 30 s'], [{ code: 'budget-used', retryAfter: null, resetsAt: '2026-11-29T00:00:00Z' }, "quota d'IA du jour"]]) {
      ({ context, page } = await open('#/chat', { state: fakeState({ doneNotice }) }));
      await page.getByTestId('qa-hooks').click();
      await page.getByTestId('answer-notice').filter({ hasText: text }).waitFor();
      await context.close();
    }
  });

  // The profile is optional (policy §2, #16): this replaces the test that asserted a closed chat before onboarding.
  test('without a profile the chat answers, hints at adding a niche, and the onboarding can be skipped or saved empty', async () => {
    let { context, page, state } = await open('#/onboarding', { state: fakeState({ profile: null }) });
    await page.getByTestId('profile-skip').click();
    await page.waitForURL(/#\/chat$/);
    const hint = page.getByTestId('chat-no-profile');
    await hint.filter({ hasText: 'conseils généraux' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="chat-input"]')?.disabled === false);
    // The hint links to the onboarding (the banner gives way to the answer's notices once the chat is used).
    assert.equal(await hint.getByRole('link').getAttribute('href'), '#/onboarding');
    await page.getByTestId('qa-hooks').click();
    await page.locator('.msg-assistant strong').first().waitFor();
    assert.equal(state.requestsSeen.filter((r) => /\/messages$/.test(r.path)).length, 1);
    assert.equal(state.profile, null);
    await context.close();
    // English, and a profile saved with nothing chosen.
    ({ context, page, state } = await open('#/onboarding', { state: fakeState({ profile: null }), lang: 'en' }));
    await page.getByTestId('profile-save').click();
    await page.waitForURL(/#\/chat$/);
    assert.deepEqual(state.profile.niches, []);
    await context.close();
    ({ context, page, state } = await open('#/chat', { state: fakeState({ profile: null }), lang: 'en' }));
    await page.getByTestId('chat-no-profile').filter({ hasText: 'general advice' }).waitFor();
    await context.close();
  });

  test('an answer cites its playbooks as chips that open the playbook in the knowledge base, FR and EN', async () => {
    const answerSources = [{ type: 'playbook', id: 'hooks-first-seconds', title: 'Réussir les 3 premières secondes' }];
    const { context, page } = await open('#/chat', { state: fakeState({ answerSources }) });
    await page.getByTestId('qa-hooks').click();
    const chip = page.getByTestId('source-chip').filter({ hasText: 'Réussir les 3 premières secondes' });
    await chip.click();
    await page.waitForURL(/#\/knowledge\/hooks-first-seconds$/);
    await page.getByTestId('playbook').getByRole('heading', { name: 'Réussir les 3 premières secondes' }).waitFor();
    await page.getByText('Étape deux').waitFor();
    await page.getByRole('link', { name: 'Toutes les fiches' }).click();
    await page.getByTestId('knowledge-index').getByRole('heading', { name: 'Produits' }).waitFor();
    assert.equal(await page.getByTestId('playbook-link').count(), 2);
    await page.evaluate(() => localStorage.setItem('jimp.lang', 'en'));
    await page.reload();
    await page.getByTestId('knowledge-index').getByRole('heading', { name: 'Products' }).waitFor();
    await page.getByTestId('playbook-link').filter({ hasText: 'Nail the first 3 seconds' }).waitFor();
    await context.close();
  });

  test('older messages load above the latest ones, in order', async () => {
    const older = [
      { id: 'o1', role: 'user', text: 'Première question', createdAt: '2026-11-01T10:00:00Z', status: 'ok', mode: null, aiGenerated: false, sources: [] },
      { id: 'o2', role: 'assistant', text: 'Première **réponse**', createdAt: '2026-11-01T10:00:05Z', status: 'ok', mode: 'offline', aiGenerated: true, sources: [] },
    ];
    const { context, page } = await open('#/chat/c1', { state: fakeState({ olderMessages: older }) });
    await page.getByTestId('older-messages').click();
    await page.getByText('Première question').waitFor();
    const texts = await page.locator('.msg .msg-body').allInnerTexts();
    assert.equal(texts[0], 'Première question');
    assert.equal(texts.length, 4);
    assert.equal(await page.getByTestId('older-messages').count(), 0);
    await context.close();
  });

  test('the privacy center downloads an export and deletes the account after the typed e-mail', async () => {
    const { context, page, state } = await open('#/privacy', { state: fakeState({ exports: [] }) });
    await page.getByTestId('export-request').click();
    const link = page.getByTestId('export-download').first();
    await link.waitFor({ timeout: 10000 });
    // Fetched by the page itself, so the request carries the page's cookies (and the fake API answers it).
    const magic = await page.evaluate(async (href) => {
      const bytes = new Uint8Array(await (await fetch(href, { credentials: 'same-origin' })).arrayBuffer());
      return String.fromCharCode(bytes[0], bytes[1]);
    }, await link.getAttribute('href'));
    assert.equal(magic, 'PK');
    await page.getByTestId('delete-account').click();
    const confirm = page.getByTestId('dialog-confirm');
    assert.equal(await confirm.isDisabled(), true);
    await page.getByTestId('delete-confirm').fill('someone@else.com');
    assert.equal(await confirm.isDisabled(), true);
    await page.getByTestId('delete-confirm').fill('LEA@example.com');
    await confirm.click();
    await page.getByTestId('send-link').waitFor();
    assert.equal(state.erased, true);
    assert.match(await page.locator('main').innerText(), /en cours de suppression/);
    await context.close();
  });

  test('the language switch changes the text and the lang attribute, and is kept in jimp.lang only', async () => {
    const { context, page } = await open('#/chat');
    await page.getByTestId('chat-input').waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByText('You are talking to an AI.').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), ['jimp.lang']);
    await page.reload();
    await page.getByText('You are talking to an AI.').waitFor();
    await context.close();
  });

  test('no request leaves 127.0.0.1, no CSP violation, and only listed storage keys were used', async () => {
    // The previous tests visited every page; this one checks what they recorded, then one more visit.
    const { context, page } = await open('#/chat/c1', { lang: 'en' });
    await page.getByTestId('chat-input').waitFor();
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(violations, []);
    const keys = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
    for (const key of keys) assert.ok([...STORAGE_KEYS.localStorage, ...STORAGE_KEYS.sessionStorage].includes(key), key);
    for (const cookie of await context.cookies()) assert.ok(STORAGE_KEYS.cookies.includes(cookie.name), cookie.name);
    await context.close();
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
  });

  test('the fake API kept to docs/openapi.json in every exchange of these tests', () => {
    // Routes, methods, statuses, media types and JSON bodies (both ways), checked as the fake answered.
    assert.deepEqual([...new Set(contractViolations)], []);
  });
});
