// The language switch, live everywhere: on each main view (sign-in, onboarding, chat, trends, privacy center,
// owner's console) switching FR → EN changes every visible text of the page, shell included (nav, footer,
// banners), so that it reads exactly as the same page opened in English, without a reload, keeping what was typed
// or chosen. The chat follows the switch in place: its messages stay the same elements (their meta line changes),
// and a turn under way is not cut. These views run on the fake API; the owner's console is checked the same way at
// the end of operator.test.mjs (its journey has the owner signed in: only one address is an operator, and two files
// signing it in at once would take each other's e-mailed links).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKENS, contractViolations, fakeState, mockApi, newContext, useBrowser, watchErrors } from './lib.mjs';

const run = useBrowser();
const errors = [];
/**
 * A page on the fake API answering from `state`, with its clock fixed at `now` (Date only; timers run): the English
 * reference and the switched page then say the same "50 minutes ago", whenever each was opened.
 */
async function open(hash, { state = fakeState(), lang = 'fr', now, viewport } = {}) {
  const context = await newContext(run.browser, { lang, viewport });
  if (now !== undefined) await context.clock.setFixedTime(now);
  const page = await context.newPage();
  watchErrors(page, errors);
  await mockApi(page, state);
  await page.goto(`/${hash}`);
  return { context, page, state };
}

/** Everything the page shows as text (header, banners, main, footer), once it stops changing. */
async function settledText(page) {
  await page.waitForFunction(() => document.querySelector('main h1') && !document.querySelector('main .loading'), null, { timeout: 15000 });
  const read = () => page.evaluate(() => document.body.innerText);
  let last = await read();
  for (let same = 0, i = 0; same < 3 && i < 100; i += 1) {
    await page.waitForTimeout(100);
    const now = await read();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** Switches the language (to English by default) and waits until the page reads `expected` (or fails saying what differs). */
async function switchAndExpect(page, expected, label, lang = 'en') {
  await page.evaluate(() => (window.__sameDocument = true));
  await page.getByTestId('lang-switch').click();
  let seen = '';
  for (let i = 0; i < 100 && seen !== expected; i += 1) {
    await page.waitForTimeout(100);
    seen = await page.evaluate(() => document.body.innerText);
  }
  assert.equal(seen, expected, `${label}: after the switch the page reads as when opened in ${lang === 'en' ? 'English' : 'French'}`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, `${label} was not reloaded`);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'lang-switch', `${label}: the focus stays on the switch`);
}

/**
 * A view that follows the language in place: after the same `steps` (a filter chosen, an item opened, text typed),
 * the page switched FR → EN reads as the page opened in English, and switched back as it read in French; the
 * elements named by `same` (selectors) are still the ones on screen (nothing was rebuilt), `kept(page)` checks what a
 * rebuild would lose, and neither switch sent a request (the view's data was loaded already).
 */
async function followsInPlace(label, hash, { overrides = {}, viewport, steps = async () => {}, same = [], kept = async () => {} }) {
  const now = Date.now();
  const base = fakeState(overrides);
  const english = await open(hash, { state: structuredClone(base), lang: 'en', now, viewport });
  await settledText(english.page);
  await steps(english.page);
  const expected = await settledText(english.page);
  await english.context.close();

  const { context, page, state } = await open(hash, { state: structuredClone(base), now, viewport });
  await settledText(page);
  await steps(page);
  const french = await settledText(page);
  assert.notEqual(french, expected, `${label} reads differently in French`);
  await page.evaluate((selectors) => (window.__same = selectors.map((s) => document.querySelector(s))), same);
  assert.equal(await page.evaluate(() => window.__same.every(Boolean)), true, `${label}: ${same.join(', ')} on screen`);
  const requests = state.requestsSeen.length;
  await switchAndExpect(page, expected, label);
  await kept(page);
  await switchAndExpect(page, french, `${label} (back to French)`, 'fr');
  await kept(page);
  assert.deepEqual(await page.evaluate(() => window.__same.map((el) => el.isConnected)), same.map(() => true), `${label}: ${same.join(', ')} are the same elements (changed in place)`);
  assert.deepEqual(state.requestsSeen.slice(requests).map((r) => `${r.method} ${r.path}`), [], `${label}: no request for the switches`);
  assert.deepEqual(errors, []);
  assert.deepEqual(contractViolations, [], 'the fake API kept to docs/openapi.json');
  await context.close();
}

describe('the language switch, view by view', () => {
  const views = [
    // [label, hash, state overrides, field test id, what is typed (or the option chosen in a select)]
    ['sign-in', '#/', { signedIn: false }, 'email', 'lea@example.com'],
    ['onboarding', '#/onboarding', { profile: null }, 'niche-details', 'peaux sensibles'],
    ['chat', '#/chat/c1', {}, 'chat-input', 'Une idée de hook ?'],
    ['trends', '#/trends', {}, 'trend-niche', null],
    ['privacy center', '#/privacy', {}, 'new-email', 'lea.nouvelle@example.com'],
  ];
  for (const [label, hash, overrides, field, typed] of views) {
    test(`${label}: every text changes, shell included, and what was entered stays`, async () => {
      // One state for both pages (its dates are relative to when it was made).
      const now = Date.now();
      const base = fakeState(overrides);
      /** Enters the value in the field as a person would: typed, or the select's second option chosen. */
      const enter = async (page) => {
        const input = page.getByTestId(field);
        const value = typed ?? (await input.evaluate((s) => s.options[1].value));
        if (typed === null) await input.selectOption(value);
        else await input.fill(typed);
        return value;
      };
      // The reference: the same page opened in English, with the same value entered.
      const english = await open(hash, { state: structuredClone(base), lang: 'en', now });
      await settledText(english.page);
      await enter(english.page);
      const expected = await settledText(english.page);
      await english.context.close();

      const { context, page } = await open(hash, { state: structuredClone(base), now });
      await settledText(page);
      const value = await enter(page);
      const french = await settledText(page);
      assert.notEqual(french, expected, `${label} reads differently in French`);
      await switchAndExpect(page, expected, label);
      assert.equal(await page.getByTestId(field).inputValue(), value, `${label} keeps what was entered`);
      // The shell changed too (already in the page text above; said here by name): the footer and, once signed in, the nav.
      assert.match(await page.locator('footer').innerText(), /the AI coach for TikTok Shop affiliates/);
      if (overrides.signedIn !== false) assert.equal(await page.getByTestId('sign-out').innerText(), 'Sign out');
      await context.close();
    });
  }

  test('sign-in: the field errors of a failed submit stay and are said in English; the typed address stays', async () => {
    const now = Date.now();
    const base = fakeState({ signedIn: false });
    const failSubmit = async (page) => {
      await page.getByTestId('email').fill('lea@');
      await page.getByTestId('send-link').click();
      await page.locator('.field-error:not([hidden])').first().waitFor();
    };
    const english = await open('#/', { state: structuredClone(base), lang: 'en', now });
    await settledText(english.page);
    await failSubmit(english.page);
    const expected = await settledText(english.page);
    await english.context.close();

    const { context, page } = await open('#/', { state: structuredClone(base), now });
    await settledText(page);
    await failSubmit(page);
    const french = await settledText(page);
    assert.notEqual(french, expected);
    await page.evaluate(() => (window.__form = document.querySelector('[data-testid="signin-form"]')));
    await switchAndExpect(page, expected, 'sign-in with field errors');
    assert.equal(await page.locator('.field-error:not([hidden])').count(), 4, 'the four field errors are still shown');
    assert.equal(await page.evaluate(() => window.__form.isConnected), true, 'the form is the same element (changed in place)');
    assert.equal(await page.getByTestId('email').inputValue(), 'lea@');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('onboarding: a field error stays and is said in English; what was ticked, typed and chosen stays', async () => {
    const now = Date.now();
    const base = fakeState({ profile: null });
    const failSubmit = async (page) => {
      await page.getByTestId('niches-beauty').check();
      await page.getByTestId('goals-monthly-commission').check();
      await page.getByTestId('commission-target').fill('-5');
      await page.getByTestId('niche-details').fill('peaux sensibles');
      await page.getByTestId('country').selectOption('BE');
      await page.getByTestId('profile-save').click();
      await page.locator('.field-error:not([hidden])').first().waitFor();
    };
    const english = await open('#/onboarding', { state: structuredClone(base), lang: 'en', now });
    await settledText(english.page);
    await failSubmit(english.page);
    const expected = await settledText(english.page);
    await english.context.close();

    const { context, page } = await open('#/onboarding', { state: structuredClone(base), now });
    await settledText(page);
    await failSubmit(page);
    const french = await settledText(page);
    assert.notEqual(french, expected);
    await page.evaluate(() => (window.__form = document.querySelector('[data-testid="profile-form"]')));
    await switchAndExpect(page, expected, 'onboarding with a field error');
    assert.equal(await page.locator('.field-error:not([hidden])').count(), 1, 'the target\'s error is still shown');
    assert.equal(await page.evaluate(() => window.__form.isConnected), true, 'the form is the same element (changed in place)');
    assert.equal(await page.getByTestId('niches-beauty').isChecked(), true);
    assert.equal(await page.getByTestId('goals-monthly-commission').isChecked(), true);
    assert.equal(await page.getByTestId('commission-target').inputValue(), '-5');
    assert.equal(await page.getByTestId('niche-details').inputValue(), 'peaux sensibles');
    assert.equal(await page.getByTestId('country').inputValue(), 'BE');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('privacy center: the switch changes every text and date in place and back; the status lines, the toggle, the typed address, the scroll stay; no request', async () => {
    const now = Date.now();
    const base = fakeState();
    /** A consent granted (its "saved" line), a wrong address submitted (its error) then another typed, scrolled down. */
    const act = async (page) => {
      await page.getByTestId('consent-marketing-emails').check();
      await page.getByTestId('consents').locator('.notice-success').waitFor();
      await page.getByTestId('new-email').fill('lea@');
      await page.getByTestId('change-email').click();
      await page.getByTestId('account-section').locator('.notice-error').waitFor();
      await page.getByTestId('new-email').fill('lea.nouvelle@example');
      await page.getByTestId('erase-section').scrollIntoViewIfNeeded();
    };
    const reference = async (lang) => {
      const { context, page } = await open('#/privacy', { state: structuredClone(base), lang, now });
      await settledText(page);
      await act(page);
      const text = await settledText(page);
      await context.close();
      return text;
    };
    const english = await reference('en');
    const french = await reference('fr');
    assert.notEqual(french, english);

    const { context, page, state } = await open('#/privacy', { state: structuredClone(base), now });
    await settledText(page);
    await act(page);
    assert.equal(await settledText(page), french);
    const requests = state.requestsSeen.length;
    const scrollY = await page.evaluate(() => window.scrollY);
    assert.ok(scrollY > 0, 'the page is scrolled down');
    await page.evaluate(() => (window.__lists = ['export-list', 'requests', 'activity', 'consents'].map((id) => document.querySelector(`[data-testid="${id}"] > *`))));
    await switchAndExpect(page, english, 'privacy center');
    await switchAndExpect(page, french, 'privacy center, back in French', 'fr');
    assert.equal(state.requestsSeen.length, requests, 'no request for the switch: the lists loaded stay');
    assert.deepEqual(await page.evaluate(() => window.__lists.map((el) => el.isConnected)), [true, true, true, true], 'the lists are the same elements (changed in place)');
    assert.equal(await page.getByTestId('consent-marketing-emails').isChecked(), true);
    assert.equal(await page.getByTestId('new-email').inputValue(), 'lea.nouvelle@example');
    assert.equal(await page.evaluate(() => window.scrollY), scrollY, 'the scroll position stays');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a message for the next page (signed out) is said again in the new language, not lost, after a switch', async () => {
    const { context, page } = await open('#/privacy');
    await page.getByTestId('logout').click();
    await page.getByText('Vous êtes déconnecté·e.').waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByText('You are signed out.').waitFor({ timeout: 5000 });
    assert.equal(await page.getByText('Vous êtes déconnecté·e.').count(), 0);
    // Shown once: another page does not show it again.
    await page.goto('/#/policy');
    await page.locator('main h1').waitFor();
    await page.goto('/#/');
    await page.getByTestId('email').waitFor();
    assert.equal(await page.getByText('You are signed out.').count(), 0);
    await context.close();
  });

  test('chat: the switch changes the texts in place (the messages stay the same elements) and does not cut a turn under way', async () => {
    const { context, page, state } = await open('#/chat/c1');
    await page.getByTestId('chat-input').waitFor();
    await page.locator('.msg-assistant .msg-meta').first().waitFor();
    const metaFr = await page.locator('.msg-assistant .msg-meta').first().innerText();
    await page.evaluate(() => (window.__answer = document.querySelector('.msg-assistant')));

    // The next answer is held for a while: the switch happens while the turn is under way.
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route(/\/api\/conversations\/c1\/messages$/, async (route) => {
      await held;
      await route.fallback();
    });
    state.nextAnswer = 'Trois hooks pour ton sérum : montre la texture, pose une question, compare avant/après.';
    await page.getByTestId('chat-input').fill('Encore des idées ?');
    await page.getByTestId('chat-send').click();
    await page.waitForFunction(() => document.querySelector('.chat-layout')?.dataset.chatLive === 'true');
    await page.getByTestId('lang-switch').click();
    await page.getByText('You are talking to an AI.').waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate(() => window.__answer.isConnected), true, 'the stored answer is the same element');
    const metaEn = await page.locator('.msg-assistant .msg-meta').first().innerText();
    assert.notEqual(metaEn, metaFr, 'its meta line is in English');
    assert.match(metaEn, /answer|AI/i);
    assert.equal(await page.evaluate(() => document.querySelector('.chat-layout')?.dataset.chatLive), 'true', 'the turn is still under way');

    release();
    await page.getByText('compare avant/après').waitFor({ timeout: 10000 });
    await page.waitForFunction(() => !document.querySelector('.chat-layout')?.dataset.chatLive);
    // The answer that arrived after the switch is labelled in English, like the older ones.
    const metas = await page.locator('.msg-assistant .msg-meta').allInnerTexts();
    assert.equal(metas.length, 2);
    for (const meta of metas) assert.doesNotMatch(meta, /Réponse|IA/, meta);
    assert.equal(await page.evaluate(() => window.__answer.isConnected), true);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('trends: the texts and dates change in place; the filters chosen and the trends loaded stay, without a request', async () => {
    await followsInPlace('trends', '#/trends', {
      steps: async (page) => {
        await page.getByTestId('trend-kind').selectOption('hashtags');
        await page.waitForFunction(() => document.querySelectorAll('.trend-card').length === 1);
      },
      same: ['[data-testid="trend-results"] .trend-card', '[data-testid="trend-kind"]'],
      kept: async (page) => assert.equal(await page.getByTestId('trend-kind').inputValue(), 'hashtags'),
    });
  });

  test('knowledge: a playbook\'s texts change in place; the page stays where it was scrolled to, without a request', async () => {
    await followsInPlace('playbook', '#/knowledge/hooks-first-seconds', {
      // A short window: the playbook scrolls, and it is read from its end.
      viewport: { width: 1280, height: 420 },
      steps: async (page) => {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await page.waitForFunction(() => window.scrollY > 0);
        await page.evaluate(() => (window.__scrolledTo = window.scrollY));
      },
      same: ['[data-testid="playbook"]', 'main h1', '.playbook-part'],
      kept: async (page) => {
        const { y, at, end } = await page.evaluate(() => ({ y: window.scrollY, at: window.__scrolledTo, end: document.documentElement.scrollHeight - window.innerHeight }));
        assert.equal(y, Math.min(at, end), 'the page is still scrolled to where it was read');
      },
    });
  });

  test('policy: the texts, dates and the document change in place (the document follows the interface language); the version list stays, without a request', async () => {
    await followsInPlace('policy', '#/policy', {
      same: ['[data-testid="policy-document"]', '[data-testid="policy-version"]', '.policy-meta'],
      kept: async (page) => assert.equal(await page.getByTestId('policy-version').inputValue(), '2.0.0'),
    });
  });

  // The link pages: what they said stays said (the token is spent once, by the click or the page's one POST).
  const click = (button, shown) => async (page) => {
    await page.getByTestId(button).click();
    await page.getByTestId(shown).waitFor();
  };
  const shows = (shown) => async (page) => page.getByTestId(shown).waitFor();
  const signedOut = { signedIn: false };
  for (const [label, hash, overrides, steps, same] of [
    ['sign-in link, before the click', `#/verify?token=${TOKENS.good}`, signedOut, shows('verify-continue'), ['[data-testid="verify-continue"]']],
    ['sign-in link, expired', '#/verify?token=old', signedOut, click('verify-continue', 'verify-error'), ['[data-testid="verify-error"]']],
    ['sign-in link of another account', `#/verify?token=${TOKENS.other}`, {}, click('verify-continue', 'verify-switch'), ['[data-testid="verify-switch"]', '[data-testid="verify-stay"]']],
    ['e-mailed request confirmed', `#/confirm-request?token=${TOKENS.good}`, signedOut, shows('confirm-request-done'), ['[data-testid="confirm-request-done"]']],
    ['e-mailed request, link used', '#/confirm-request?token=used', signedOut, shows('confirm-request-error'), ['[data-testid="confirm-request-error"]']],
    ['unsubscribed', `#/unsubscribe?t=${TOKENS.good}`, signedOut, shows('unsubscribe-done'), ['[data-testid="unsubscribe-done"]']],
    ['unsubscribe link invalid', '#/unsubscribe?t=bad', signedOut, shows('unsubscribe-error'), ['[data-testid="unsubscribe-error"]']],
  ]) {
    test(`${label}: every text changes in place, without a request`, async () => {
      await followsInPlace(label, hash, { overrides, steps, same });
    });
  }

  test('workspace: every text changes in place, the charts\' too; the product typed, the file chosen and the plan ticked stay, without a request', async () => {
    await followsInPlace('workspace', '#/workspace', {
      steps: async (page) => {
        await page.getByTestId('chart-retention').waitFor();
        await page.getByTestId('product-name').fill('Rouleau anti-poussière');
        await page.getByTestId('csv-file').setInputFiles({ name: 'videos.csv', mimeType: 'text/csv', buffer: Buffer.from('posted_on,views\n2026-11-20,1000\n') });
        await page.getByTestId('plan-tick').first().check();
      },
      same: ['[data-testid="product-form"]', '[data-testid="csv-form"]', '[data-testid="plan-items"]', '[data-testid="ws-products"] table'],
      kept: async (page) => {
        assert.equal(await page.getByTestId('product-name').inputValue(), 'Rouleau anti-poussière');
        assert.equal(await page.getByTestId('csv-file').evaluate((input) => input.files[0]?.name), 'videos.csv', 'the file chosen stays');
        assert.deepEqual(await page.getByTestId('plan-tick').evaluateAll((boxes) => boxes.map((b) => b.checked)), [true, false]);
      },
    });
  });
});
