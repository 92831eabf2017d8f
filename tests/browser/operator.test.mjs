// The owner's console against the real DevHost (run.sh lists owner@example.com in Operators:Addresses and
// serves two policy drafts): an erasure request received by e-mail is recorded, the person confirms by the
// e-mailed link, the erasure runs and the request closes before its deadline; a minor is flagged and can no
// longer sign in or sign up; an important policy version is announced and cannot take effect before 30 days.
// The console is axe-clean in French and English, and keyboard-reachable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { BASE_URL, DESKTOP, launch, newContext, signInLinkFor, waitForHealth, waitForMail, watchErrors } from './lib.mjs';

/** A context where the test may inject axe (the CSP itself is checked by ui.test.mjs). */
const axeContext = (b) => b.newContext({ baseURL: BASE_URL, viewport: DESKTOP, bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris', acceptDownloads: true });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const OWNER = 'owner@example.com';
const run = `${Date.now()}-${process.pid}`;
const personEmail = `person-${run}@example.com`;
const minorEmail = `minor-${run}@example.com`;
let browser;
let owner;
let ownerPage;
let broken = null;
const errors = [];

before(async () => {
  await waitForHealth();
  browser = await launch();
  owner = await axeContext(browser);
  ownerPage = await owner.newPage();
  watchErrors(ownerPage, errors);
});
after(async () => {
  await browser?.close();
});

function step(name, fn) {
  test(name, async (t) => {
    if (broken) {
      t.skip(`needs the earlier step "${broken}"`);
      return;
    }
    try {
      await fn(t);
    } catch (error) {
      broken = name;
      throw error;
    }
  });
}

async function mails(address) {
  const r = await fetch(`${BASE_URL}/dev/mailbox?to=${encodeURIComponent(address)}`);
  return r.ok ? r.json() : [];
}

/** Waits for a mail whose text matches the pattern; returns the first capture. */
async function linkIn(address, pattern, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const mail of await mails(address)) {
      const match = pattern.exec(`${mail.text ?? ''}`);
      if (match) return match[1];
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no matching mail for ${address}`);
}

/** Signs in (or up) through the web app in this page, with the link from the dev mailbox. */
async function signIn(page, address) {
  const since = Date.now() - 1000;
  await page.goto('/#/');
  await page.getByTestId('email').fill(address);
  await page.getByTestId('age-confirm').check();
  await page.getByTestId('policy-accept').check();
  await page.getByTestId('send-link').click();
  await page.getByTestId('link-sent').waitFor();
  await page.goto(await signInLinkFor(address, { after: since }));
  // The verify page never posts on its own (login CSRF): the person confirms with a click.
  await page.getByTestId('verify-continue').click();
  await page.waitForURL(/#\/(onboarding|chat)$/, { timeout: 15000 });
}

async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], label);
}

const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

describe("the owner's console (real API)", () => {
  step('a creator cannot open the console; the owner signs in with the same e-mailed link and can', async () => {
    const creator = await newContext(browser);
    const page = await creator.newPage();
    await signIn(page, personEmail);
    // A creator's menu has no console link; the owner's has one (after /api/me says operator).
    await page.getByTestId('nav-privacy').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('nav-operator').count(), 0);
    await page.goto('/#/operator');
    await page.getByRole('alert').filter({ hasText: /réservée|listed/ }).waitFor();
    await creator.close();

    await signIn(ownerPage, OWNER);
    await ownerPage.getByTestId('nav-operator').waitFor({ state: 'attached' });
    await ownerPage.goto('/#/operator');
    await ownerPage.getByTestId('op-emailed-form').waitFor();
    await ownerPage.waitForFunction(() => !document.querySelector('.loading'));
    assert.equal(await ownerPage.locator('main h1').innerText(), "Console de l'exploitant");
  });

  step('bad input gets field errors and nothing is stored', async () => {
    await ownerPage.getByTestId('op-emailed-email').fill(personEmail);
    await ownerPage.getByTestId('op-emailed-kind').selectOption('erasure');
    await ownerPage.getByTestId('op-emailed-received').fill(new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10));
    await ownerPage.getByTestId('op-emailed-confirm').fill(personEmail);
    await ownerPage.getByTestId('op-emailed-submit').click();
    const error = ownerPage.locator('[data-field="receivedOn"] .field-error');
    await error.waitFor();
    assert.match(await error.innerText(), /futur/);
    assert.equal(await ownerPage.getByTestId('op-emailed-received').getAttribute('aria-invalid'), 'true');
    const log = await ownerPage.evaluate(async () => (await fetch('/api/console/requests')).json());
    assert.equal(log.pending.filter((r) => r.channel === 'email' && r.type === 'erasure' && r.receivedAt.startsWith(new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10))).length, 0);
  });

  let requestId;
  step('an erasure request received by e-mail is recorded and waits for the person', async () => {
    const ids = () => ownerPage.locator('[data-testid="op-pending-table"] tr[data-request-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request-id')));
    const known = new Set(await ids());
    await ownerPage.getByTestId('op-emailed-received').fill(daysAgo(2));
    await ownerPage.getByTestId('op-emailed-submit').click();
    await ownerPage.locator('#op-emailed .notice-success').waitFor();
    await ownerPage.waitForFunction((n) => document.querySelectorAll('[data-testid="op-pending-table"] tr[data-request-id]').length > n, known.size);
    requestId = (await ids()).find((id) => !known.has(id));
    assert.ok(requestId);
    const row = ownerPage.locator(`[data-testid="op-pending-table"] tr[data-request-id="${requestId}"]`);
    assert.equal(await row.getAttribute('data-status'), 'awaiting-confirmation');
    assert.match(await row.innerText(), /Effacement/);
    assert.match(await row.innerText(), /E-mail/);
  });

  step('the person confirms by the e-mailed link; the erasure runs and the request closes before its deadline', async () => {
    const link = await linkIn(personEmail, /(https?:\/\/\S+#\/confirm-request\?token=[A-Za-z0-9_-]{43})/);
    const context = await axeContext(browser);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByTestId('confirm-request-done').waitFor({ timeout: 15000 });
    assert.equal(await page.getByTestId('confirm-request-done').getAttribute('data-type'), 'erasure');
    await axe(page, 'confirmation page');
    await context.close();

    const end = Date.now() + 60000;
    let row = null;
    while (Date.now() < end && !row) {
      await ownerPage.getByTestId('op-refresh').click();
      await ownerPage.waitForFunction(() => !document.querySelector('.loading'));
      const candidate = ownerPage.locator(`[data-testid="op-closed-table"] tr[data-request-id="${requestId}"]`);
      if ((await candidate.count()) > 0) row = candidate;
      else await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(row, 'the request is closed');
    assert.equal(await row.getAttribute('data-status'), 'completed');
    assert.equal(await row.getByTestId('op-met').innerText(), 'Oui');
    // The erasure deletes first and confirms after (#17): the confirmation says the account was deleted.
    await waitForMail(personEmail, /a été supprimé/);
  });

  step('a minor is flagged by address and can no longer sign in or sign up', async () => {
    const context = await newContext(browser);
    const minor = await context.newPage();
    await signIn(minor, minorEmail);

    await ownerPage.getByTestId('op-minor-email').fill(minorEmail);
    await ownerPage.getByTestId('op-minor-submit').click();
    await ownerPage.getByTestId('op-minor-confirm').fill(minorEmail);
    await ownerPage.getByTestId('dialog-confirm').click();
    await ownerPage.locator('#op-minors .notice-success').waitFor();

    await minor.goto('/#/privacy');
    await minor.reload();
    await minor.getByTestId('send-link').waitFor({ timeout: 15000 });
    const links = async () => (await mails(minorEmail)).filter((m) => /lien de connexion/i.test(m.subject)).length;
    const before = await links();
    await minor.getByTestId('email').fill(minorEmail);
    await minor.getByTestId('age-confirm').check();
    await minor.getByTestId('policy-accept').check();
    await minor.getByTestId('send-link').click();
    await minor.getByTestId('link-sent').waitFor();
    // A control address asked right after: once its link arrives, the minor's would have too.
    const control = `control-${run}@example.com`;
    const since = Date.now() - 1000;
    await minor.goto('/#/');
    await minor.reload();
    await minor.getByTestId('email').fill(control);
    await minor.getByTestId('age-confirm').check();
    await minor.getByTestId('policy-accept').check();
    await minor.getByTestId('send-link').click();
    await signInLinkFor(control, { after: since });
    assert.equal(await links(), before, 'no sign-in link was sent to the flagged address');
    assert.equal((await minor.evaluate(async () => (await fetch('/api/me')).status)), 401);
    await context.close();
  });

  step('an important policy version is refused when it takes effect in less than 30 days, and announced when 30 days away', async () => {
    await ownerPage.getByTestId('op-refresh').click();
    await ownerPage.getByTestId('op-announce-2.2.0').click();
    await ownerPage.getByTestId('op-announce-confirm').fill('2.2.0');
    await ownerPage.getByTestId('dialog-confirm').click();
    const refusal = ownerPage.locator('#op-policy-section .notice-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /30 jours/);

    const announceNext = ownerPage.getByTestId('op-announce-3.0.0');
    if ((await announceNext.count()) > 0) {
      await announceNext.click();
      await ownerPage.getByTestId('op-announce-confirm').fill('3.0.0');
      await ownerPage.getByTestId('dialog-confirm').click();
      await ownerPage.locator('#op-policy-section .notice-success').waitFor({ timeout: 60000 });
    }
    const row = ownerPage.locator('[data-testid="op-policy-table"] tr[data-version="3.0.0"]');
    await row.getByTestId('op-mailing').waitFor();
    assert.match(await row.innerText(), /terminée/);
    const policy = await (await fetch(`${BASE_URL}/api/policy`)).json();
    assert.equal(policy.current, '2.0.0', 'the announced version is not in force yet');
    const next = policy.versions.find((v) => v.version === '3.0.0');
    assert.ok(Date.parse(next.effective) - Date.now() >= 29 * 86400000, 'it takes effect at least 30 days after the announcement');
  });

  step('the evidence pack is a ZIP; the console is axe-clean and keyboard-reachable in French and English', async () => {
    const pack = await ownerPage.evaluate(async () => {
      const r = await fetch('/api/console/evidence-pack');
      const bytes = new Uint8Array(await r.arrayBuffer());
      return [r.status, String.fromCharCode(bytes[0], bytes[1])];
    });
    assert.deepEqual(pack, [200, 'PK']);
    await ownerPage.goto('/#/operator');
    await ownerPage.getByTestId('op-emailed-form').waitFor();
    await ownerPage.waitForFunction(() => !document.querySelector('.loading'));
    await ownerPage.getByTestId('op-emailed-email').focus();
    await ownerPage.keyboard.press('Tab');
    assert.equal(await ownerPage.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'op-emailed-kind');
    await axe(ownerPage, 'console fr');
    await ownerPage.getByTestId('lang-switch').click();
    await ownerPage.getByTestId('op-emailed-form').waitFor();
    await ownerPage.waitForFunction(() => document.querySelector('main h1')?.textContent === "Owner's console");
    await ownerPage.waitForFunction(() => !document.querySelector('.loading'));
    await axe(ownerPage, 'console en');
    assert.deepEqual(errors, []);
  });
});
