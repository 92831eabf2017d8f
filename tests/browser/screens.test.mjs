// The interface page by page, against the DevHost's static files and the in-memory fake of the API (page.route):
// every page re-renders in place when the language is switched, as it reads when opened in English; screenshots of
// every page, FR and EN, at 1280 px and 375 px, with no horizontal scroll; and, as in ui.test.mjs, no external
// request, no CSP violation, only listed storage keys and a fake that keeps to the contract. (A file of its own so
// that run.sh runs it next to the other files.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, MOBILE, STORAGE_KEYS, contractViolations, fakePage, fakeState, painted, screenshot, useBrowser } from './lib.mjs';

const run = useBrowser();
const external = [];
const errors = [];
const open = (hash, options) => fakePage(run.browser, hash, options, { external, errors });

describe('every page (fake API)', () => {
  test('the language switch re-renders every page in place, as it reads when opened in English, keeping what was typed', async () => {
    // What a page says: its headings, labels, buttons and table headers (in order).
    const texts = (page) => page.evaluate(() => Array.from(document.querySelectorAll('header button, main h1, main h2, main label, main button, main th')).map((e) => e.textContent.trim()));
    const settled = async (page, hash) => {
      try {
        await page.waitForFunction(() => document.querySelector('main h1') && !document.querySelector('main .loading'), null, { timeout: 15000 });
      } catch (error) {
        throw new Error(`${hash} never settled: ${(await page.locator('main').innerText()).slice(0, 300)}`, { cause: error });
      }
    };
    const stable = async (page) => {
      let last = await texts(page);
      for (let same = 0, i = 0; same < 3 && i < 100; i += 1) {
        await page.waitForTimeout(100);
        const now = await texts(page);
        same = JSON.stringify(now) === JSON.stringify(last) ? same + 1 : 0;
        last = now;
      }
      return last;
    };
    const pages = [
      ['#/', { signedIn: false }, 'email', 'lea@example.com'],
      ['#/onboarding', { profile: null }, 'niche-details', 'peaux sensibles'],
      ['#/chat', {}, 'chat-input', 'Une idée de hook ?'],
      ['#/chat/c1', {}],
      ['#/trends', {}],
      // #/workspace: its switch in place is checked in language.test.mjs (the fake API's workspace).
      ['#/privacy', {}],
      ['#/policy', {}],
      ['#/nowhere', {}],
    ];
    for (const [hash, overrides, field, typed] of pages) {
      const english = await open(hash, { state: fakeState(overrides), lang: 'en' });
      await settled(english.page, hash);
      // What the English page reads once it stops changing (the conversation list can arrive after the heading).
      const expected = await stable(english.page);
      await english.context.close();

      const { context, page } = await open(hash, { state: fakeState(overrides) });
      await settled(page, hash);
      if (field) await page.getByTestId(field).fill(typed);
      await page.evaluate(() => (window.__sameDocument = true));
      const french = await texts(page);
      assert.notDeepEqual(french, expected, `${hash} reads differently in French`);
      await page.getByTestId('lang-switch').click();
      let seen = [];
      for (let i = 0; i < 100 && JSON.stringify(seen) !== JSON.stringify(expected); i += 1) {
        await page.waitForTimeout(100);
        seen = await texts(page);
      }
      assert.deepEqual(seen, expected, `${hash} after the switch`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assert.equal(await page.evaluate(() => window.__sameDocument), true, `${hash} was not reloaded`);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'lang-switch', `${hash}: the focus stays on the switch`);
      if (field) assert.equal(await page.getByTestId(field).inputValue(), typed, `${hash} keeps what was typed`);
      await context.close();
    }
  });

  test('screenshots of every page, FR and EN, at 1280 px and 375 px, with no horizontal scroll', async () => {
    const pages = [
      ['signin', '#/', { signedIn: false }],
      ['verify-expired', '#/verify?token=old', { signedIn: false }],
      ['onboarding', '#/onboarding', { profile: null }],
      ['profile', '#/onboarding', {}],
      ['chat-new', '#/chat', {}],
      ['chat', '#/chat/c1', {}],
      ['trends', '#/trends', {}],
      ['trends-unconfigured', '#/trends', { trendsConfigured: false }],
      ['knowledge', '#/knowledge', {}],
      ['playbook', '#/knowledge/hooks-first-seconds', {}],
      ['privacy', '#/privacy', {}],
      ['policy', '#/policy', {}],
    ];
    for (const lang of ['fr', 'en']) {
      for (const [size, viewport] of [['desktop', DESKTOP], ['mobile', MOBILE]]) {
        for (const [name, hash, overrides] of pages) {
          const state = fakeState(overrides);
          if (lang === 'en' && state.profile) state.profile.language = 'en';
          if (lang === 'en') state.messages.c1[1].text = state.answer.en;
          const { context, page } = await open(hash, { state, lang, viewport });
          if (name === 'verify-expired') await page.getByTestId('verify-continue').click();
          await page.locator('main h1').first().waitFor();
          await page.waitForFunction(() => !document.querySelector('.loading'));
          await painted(page);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${name} ${lang} ${size} scrolls sideways by ${overflow}px`);
          // The chat's composer sticks to the bottom of the screen: show the screen as a person sees it.
          const isChat = name.startsWith('chat');
          if (isChat) await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
          await screenshot(page, `${name}-${lang}-${size}`, { fullPage: !isChat });
          if (name === 'signin') {
            await page.getByTestId('send-link').click();
            await screenshot(page, `signin-errors-${lang}-${size}`);
          }
          if (name === 'privacy' && size === 'mobile') {
            await page.getByTestId('delete-account').click();
            await screenshot(page, `privacy-delete-dialog-${lang}-${size}`, { fullPage: false });
          }
          await context.close();
        }
      }
    }
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
