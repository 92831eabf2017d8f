// Accessibility: axe-core (WCAG 2.x A and AA rules) on every page, in French and English, at 1280 px and
// 375 px, against the fake API. The axe script is injected by the test (the context bypasses the CSP for
// that injection only; the CSP itself is checked by ui.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DESKTOP, MOBILE, axeViolations, fakeState, mockApi, painted, useBrowser } from './lib.mjs';

const run = useBrowser();

const PAGES = [
  ['sign-in', '#/', { signedIn: false }],
  ['link landing (expired)', '#/verify?token=old', { signedIn: false }],
  ['onboarding', '#/onboarding', { profile: null }],
  ['chat', '#/chat/c1', {}],
  ['trends', '#/trends', {}],
  ['knowledge', '#/knowledge', {}],
  ['playbook', '#/knowledge/hooks-first-seconds', {}],
  ['privacy center', '#/privacy', {}],
  ['policy', '#/policy', {}],
];

for (const [name, hash, overrides] of PAGES) {
  test(`${name} has no WCAG A/AA violation (axe), FR and EN, desktop and 375 px`, async () => {
    for (const lang of ['fr', 'en']) {
      // One page load per language, scanned at 1280 px and again at 375 px (the app's layout is CSS only: no script
      // reads the viewport, so a page narrowed to 375 px lays out as one opened at 375 px).
      const context = await run.browser.newContext({ baseURL: BASE_URL, viewport: DESKTOP, bypassCSP: true, locale: lang === 'en' ? 'en-GB' : 'fr-FR' });
      if (lang === 'en') await context.addInitScript(() => localStorage.setItem('jimp.lang', 'en'));
      const page = await context.newPage();
      await mockApi(page, fakeState(overrides));
      await page.goto(`/${hash}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForFunction(() => !document.querySelector('.loading'));
      for (const viewport of [DESKTOP, MOBILE]) {
        await page.setViewportSize(viewport);
        await painted(page);
        assert.equal(await page.evaluate(() => window.innerWidth), viewport.width);
        assert.deepEqual(await axeViolations(page), [], `${name} ${lang} ${viewport.width}px`);
      }
      await context.close();
    }
  });
}
