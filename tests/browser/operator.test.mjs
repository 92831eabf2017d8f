// The owner's console against the real DevHost (run.sh lists owner@example.com in Operators:Addresses and
// serves two policy drafts): an erasure request received by e-mail is recorded, the person confirms by the
// e-mailed link, the erasure runs and the request closes before its deadline; a minor is flagged and can no
// longer sign in or sign up; an important policy version, and an important CGU version, is announced and cannot take
// effect before 30 days; a campaign goes only to a consenting creator, with the one-click unsubscribe.
// The weekly insights drawn from a real week: eleven creators ask the real coach, their questions are moved
// into last week and the weekly run computes it; the charts and tables show what the API returns.
// The console is axe-clean in French and English, and keyboard-reachable.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import { BASE_URL, DESKTOP, STORAGE_PREFIX, apiRequest, axeViolations, creatorAsks, journeySteps, mailsFor as mails, newContext, signInInPage as signIn, signInLinkFor, signUpByApi, useJourney, waitForMail } from './lib.mjs';

/** A context where the test may inject axe (the CSP itself is checked by ui.test.mjs). */
const axeContext = (b) => b.newContext({ baseURL: BASE_URL, viewport: DESKTOP, bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris', acceptDownloads: true });

const OWNER = 'owner@example.com';
const run = `${Date.now()}-${process.pid}`;
const personEmail = `person-${run}@example.com`;
const minorEmail = `minor-${run}@example.com`;
// The owner's page is the journey's: its steps share it, in order.
let browser;
let ownerPage;
const { errors } = useJourney({ open: axeContext, ready: (journey) => ({ browser, page: ownerPage } = journey) });

const step = journeySteps(test);

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

async function axe(page, label) {
  assert.deepEqual(await axeViolations(page), [], label);
}

// ---- creators through the real API (no browser), for the insights (lib.mjs creatorAsks) ----

/** The DevHost's storage: Azurite's well-known development account (local only, not a secret). */
const AZURITE = 'UseDevelopmentStorage=true';

/** The ISO week (2026-W48) of a date, as the server writes it. */
function isoWeek(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * Time travel for the index the turns wrote: each of these users' rows moves from this week's partition to the
 * same shard of last week, a week earlier, so the weekly run (which only computes finished weeks) counts them.
 * Last week's stored result is deleted so the run computes it again with them.
 */
async function moveQuestionsToLastWeek(userIds) {
  const index = TableClient.fromConnectionString(AZURITE, `${STORAGE_PREFIX}insightsquestions`, { allowInsecureConnection: true });
  const results = TableClient.fromConnectionString(AZURITE, `${STORAGE_PREFIX}insights`, { allowInsecureConnection: true });
  const thisWeek = isoWeek(new Date());
  const lastWeek = isoWeek(new Date(Date.now() - 7 * 86400000));
  let moved = 0;
  for (const userId of userIds) {
    const rows = index.listEntities({ queryOptions: { filter: `RowKey ge '${userId}-' and RowKey lt '${userId}.'` } });
    for await (const row of rows) {
      if (!row.partitionKey.startsWith(`${thisWeek}-`)) continue;
      const { partitionKey, rowKey, etag, timestamp, ...fields } = row;
      const createdAt = new Date(Date.parse(fields.CreatedAt) - 7 * 86400000);
      await index.upsertEntity({ ...fields, partitionKey: `${lastWeek}${partitionKey.slice(thisWeek.length)}`, rowKey, CreatedAt: createdAt }, 'Replace');
      await index.deleteEntity(partitionKey, rowKey);
      moved += 1;
    }
  }
  for await (const row of results.listEntities({ queryOptions: { filter: `PartitionKey eq '${lastWeek}'` } })) {
    await results.deleteEntity(row.partitionKey, row.rowKey);
  }
  return { moved, lastWeek };
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
    const link = await linkIn(personEmail, /(https?:\/\/\S+#\/confirm-request\?token=[0-9]{10}[A-Za-z0-9_-]{43})/);
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
    await minor.getByTestId('terms-accept').check();
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
    await minor.getByTestId('terms-accept').check();
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
    // The mailing runs in the background (202): the row follows its progress live until it says finished.
    // The table reloads once the mailing is seen finished: read until the row shows the final counts.
    const done = /\d+ envoyés sur \d+ comptes · \d+ ignorés · 0 en échec · terminée/;
    const end = Date.now() + 60000;
    let text = '';
    while (Date.now() < end && !done.test(text)) {
      text = await row.innerText({ timeout: 5000 }).catch(() => '');
      if (!done.test(text)) await new Promise((r) => setTimeout(r, 300));
    }
    assert.match(text, done);
    const policy = await (await fetch(`${BASE_URL}/api/policy`)).json();
    assert.equal(policy.current, '2.0.0', 'the announced version is not in force yet');
    const next = policy.versions.find((v) => v.version === '3.0.0');
    assert.ok(Date.parse(next.effective) - Date.now() >= 29 * 86400000, 'it takes effect at least 30 days after the announcement');
  });

  step('an important CGU version: the 30-day rule is stated, too soon is refused, 45 days away is announced with live progress and stays out of force', async () => {
    await ownerPage.getByTestId('op-refresh').click();
    await ownerPage.getByTestId('op-terms-table').waitFor();
    assert.match(await ownerPage.getByTestId('op-terms-rule').innerText(), /30 jours au moins après la fin de son annonce/);
    // Not announced: the table says it will never be in force without an announcement.
    assert.match(await ownerPage.locator('[data-testid="op-terms-table"] tr[data-version="1.1.0"] [data-testid="op-in-force"]').innerText(), /jamais sans annonce/);
    await ownerPage.getByTestId('op-announce-terms-1.1.0').click();
    await ownerPage.getByTestId('op-announce-confirm').fill('1.1.0');
    await ownerPage.getByTestId('dialog-confirm').click();
    const refusal = ownerPage.locator('#op-terms-section .notice-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /30 jours/);

    const announce = ownerPage.getByTestId('op-announce-terms-2.0.0');
    const announcedNow = (await announce.count()) > 0;
    if (announcedNow) {
      await announce.click();
      await ownerPage.getByTestId('op-announce-confirm').fill('2.0.0');
      await ownerPage.getByTestId('dialog-confirm').click();
      await ownerPage.locator('#op-terms-section .notice-success').waitFor({ timeout: 60000 });
    }
    const row = ownerPage.locator('[data-testid="op-terms-table"] tr[data-version="2.0.0"]');
    const done = /\d+ envoyés sur \d+ comptes · \d+ ignorés · 0 en échec · terminée/;
    const end = Date.now() + 90000;
    let text = '';
    while (Date.now() < end && !done.test(text)) {
      text = await row.innerText({ timeout: 5000 }).catch(() => '');
      if (!done.test(text)) await new Promise((r) => setTimeout(r, 300));
    }
    assert.match(text, done);
    const terms = await (await fetch(`${BASE_URL}/api/terms`)).json();
    assert.equal(terms.current, '1.0.0', 'the announced CGU version is not in force yet');
    const view = await ownerPage.evaluate(async () => (await fetch('/api/console/terms')).json());
    const next = view.versions.find((v) => v.version === '2.0.0');
    assert.ok(next.announcement?.completedAt, 'its announcement completed');
    assert.ok(Date.parse(next.inForceFrom) - Date.parse(next.announcement.completedAt.slice(0, 10)) >= 30 * 86400000, 'in force 30 days after the announcement at the earliest');
    // The app announces it too: the banner names the version and links to it.
    await ownerPage.reload();
    const banner = ownerPage.getByTestId('terms-announcement');
    await banner.waitFor();
    assert.match(await banner.innerText(), /version 2\.0\.0 entrera en vigueur le/);
    assert.equal(await banner.locator('a').getAttribute('href'), '#/terms?version=2.0.0');
    // Announced by this run (an earlier run against the same storage may have done it): the owner's own account was told, in French.
    if (announcedNow) await waitForMail(OWNER, /Les conditions générales d'utilisation de JIMP changent/);
  });

  step('a campaign: a count of who consents, bad input in French, sent only to a consenting creator with the one-click unsubscribe', async () => {
    const consenting = `consenting-${run}@example.com`;
    const silent = `silent-${run}@example.com`;
    const yes = await signUpByApi(consenting);
    await signUpByApi(silent);
    const granted = await apiRequest('/api/me/consents/marketing-emails', { method: 'PUT', cookie: yes, body: { granted: true } });
    assert.equal(granted.status, 200);

    await ownerPage.goto('/#/operator');
    await ownerPage.reload();
    await ownerPage.getByTestId('op-campaign-form').waitFor();
    const recipients = ownerPage.getByTestId('op-campaign-recipients');
    await ownerPage.waitForFunction(() => /Destinataires/.test(document.querySelector('[data-testid="op-campaign-recipients"]')?.textContent ?? ''));
    const view = await ownerPage.evaluate(async () => (await fetch('/api/console/campaigns')).json());
    assert.ok(view.recipients >= 1, 'the consenting creator is counted');
    assert.match(await recipients.innerText(), new RegExp(`Destinataires aujourd'hui : ${view.recipients} `));
    assert.doesNotMatch(JSON.stringify(view), /@/, 'the preview holds no address');

    // Bad input: the server's field errors, in French, beside their fields; nothing is started.
    const before = view.campaigns.length;
    await ownerPage.getByTestId('op-campaign-send').click();
    await ownerPage.getByTestId('dialog-confirm').click();
    const error = ownerPage.locator('[data-field="subjectFr"] .field-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Écrivez l'objet en français/);
    assert.equal(await ownerPage.getByTestId('op-campaign-subject-fr').getAttribute('aria-invalid'), 'true');
    assert.equal((await ownerPage.evaluate(async () => (await fetch('/api/console/campaigns')).json())).campaigns.length, before);

    const subject = `Nouveautés ${run}`;
    await ownerPage.getByTestId('op-campaign-subject-fr').fill(subject);
    await ownerPage.getByTestId('op-campaign-text-fr').fill('Trois idées de vidéos pour la semaine.');
    await ownerPage.getByTestId('op-campaign-subject-en').fill(`News ${run}`);
    await ownerPage.getByTestId('op-campaign-text-en').fill('Three video ideas for the week.');
    await ownerPage.getByTestId('op-campaign-send').click();
    await ownerPage.getByTestId('dialog-confirm').click();
    await ownerPage.locator('#op-campaigns .notice-success').waitFor({ timeout: 30000 });
    // Live progress until it finishes.
    const row = ownerPage.locator('[data-testid="op-campaigns-table"] tr').filter({ hasText: subject });
    const done = /[1-9]\d* envoyés sur \d+ comptes · \d+ ignorés · 0 en échec · terminée/;
    const end = Date.now() + 90000;
    let text = '';
    while (Date.now() < end && !done.test(text)) {
      text = await row.innerText({ timeout: 5000 }).catch(() => '');
      if (!done.test(text)) await new Promise((r) => setTimeout(r, 300));
    }
    assert.match(text, done);

    await waitForMail(consenting, new RegExp(subject));
    const mail = (await mails(consenting)).find((m) => m.subject === subject);
    assert.equal(mail.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    assert.match(mail.headers['List-Unsubscribe'], /^<https?:\/\/[^>]+\/api\/unsubscribe\?t=[0-9a-f]{32}\.marketing-emails\.[A-Za-z0-9_%-]+>$/);
    assert.match(mail.text, /#\/unsubscribe\?t=/);
    assert.equal((await mails(silent)).filter((m) => m.subject === subject).length, 0, 'no consent, no campaign');
    await axe(ownerPage, 'console with a campaign');
  });

  step('the insights draw a real week: ten creators in one group are shown, a smaller group only as "< 10"', async () => {
    // Ten beauty beginners (three of them ask twice, so people and questions differ) and one tech expert ask the
    // coach; the weekly run counts last week.
    // The eleven sign up and ask at the same time (each one's turns in order).
    const question = 'Comment choisir mon premier produit à promouvoir ?';
    const ids = await Promise.all(Array.from({ length: 11 }, (_, i) => {
      const profile = i < 10 ? { niches: ['beauty'], experience: 'beginner' } : { niches: ['electronics'], experience: 'advanced' };
      return creatorAsks(`insights-${run}-${i}@example.com`, profile, i < 3 ? [question, 'Quel produit choisir pour débuter ?'] : [question]);
    }));
    const { moved, lastWeek } = await moveQuestionsToLastWeek(ids);
    assert.equal(moved, 14, 'each turn wrote one row of the index');
    const ran = await fetch(`${BASE_URL}/admin/functions/ComputeInsights`, { method: 'POST', headers: { 'x-functions-key': 'dev-function-key' } });
    assert.equal(ran.status, 202);

    await ownerPage.goto('/#/operator');
    await ownerPage.reload(); // the console was open already: load it again for the new week
    await ownerPage.getByTestId('op-insights-niche').waitFor().catch(async (error) => {
      throw new Error(`${error.message}\ninsights section: ${await ownerPage.getByTestId('op-insights').innerText()}`);
    });
    const data = await ownerPage.evaluate(async () => (await fetch('/api/console/insights')).json());
    const week = data.weeks.find((w) => w.week === lastWeek);
    assert.ok(week, `the run computed ${lastWeek}`);
    assert.equal(data.weeks.at(-1).week, lastWeek, 'the last finished week is the newest shown');
    const beauty = week.groups.find((g) => g.kind === 'niche-level' && g.niche === 'beauty' && g.level === 'beginner');
    assert.ok(beauty && beauty.users >= 10, 'the ten beauty beginners form a published group');
    assert.ok(beauty.questions >= beauty.users + 3, 'three of them asked twice');
    assert.equal(week.groups.some((g) => g.niche === 'electronics' && g.level === 'advanced'), false, 'the group of one is not published');
    assert.ok(week.suppressedGroups >= 1);

    // The table says what the API says, with the profile's labels; the suppressed group is a "< 10" row.
    const rows = await ownerPage.locator('[data-testid="op-insights-niche"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    assert.deepEqual(rows.find((r) => r[0] === 'Beauté & soins'), ['Beauté & soins', 'Débutant·e', String(beauty.users)]);
    assert.ok(rows.some((r) => r.at(-1) === '< 10'), `a "< 10" row for the suppressed groups: ${JSON.stringify(rows)}`);
    assert.equal(rows.filter((r) => r.at(-1) !== '< 10').length, week.groups.filter((g) => g.kind === 'niche-level').length);

    // The bar chart: one bar per published group, the longest for the biggest, its value as text.
    const chart = ownerPage.locator('[data-testid="op-insights"] svg.chart').first();
    assert.equal(await chart.getAttribute('role'), 'img');
    const bars = await chart.evaluate((svg) => [...svg.querySelectorAll('text.chart-label')].map((label, i) => ({ label: label.textContent, width: Number(svg.querySelectorAll('rect.chart-bar')[i].getAttribute('width')), value: Number(svg.querySelectorAll('text.chart-value')[i].textContent) })));
    assert.equal(bars.length, week.groups.filter((g) => g.kind === 'niche-level').length);
    const beautyBar = bars.find((b) => b.label.startsWith('Beauté & soins'));
    assert.equal(beautyBar.value, beauty.users);
    assert.ok(beautyBar.width > 2, 'the bar has a length');
    const biggest = bars.reduce((a, b) => (b.value > a.value ? b : a));
    assert.equal(Math.max(...bars.map((b) => b.width)), biggest.width);

    // The topics: the week's row counts the questions of the published topic groups.
    const topic = week.groups.find((g) => g.kind === 'topic');
    assert.ok(topic && topic.questions >= 10, 'the shared question forms a topic group');
    const topicRow = await ownerPage.locator('[data-testid="op-insights-topics"] tbody tr').filter({ hasText: lastWeek }).evaluate((tr) => [...tr.cells].map((c) => c.textContent.trim()));
    assert.ok(topicRow.includes(String(topic.questions)), `the ${lastWeek} row shows ${topic.questions}: ${JSON.stringify(topicRow)}`);
    await axe(ownerPage, 'console with insights');
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

  step('the language switch changes every heading, label and column of the console in place, as it reads when opened in English: the same form and lists, what was typed, no request', async () => {
    // The console's rows are live data: its structure is compared (headings, labels, table headers, the shell).
    const structure = () =>
      ownerPage.evaluate(() => Array.from(document.querySelectorAll('header button, header a, main h1, main h2, main h3, main label, main legend, main thead th, main form button, footer p')).map((e) => e.textContent.trim()));
    const settled = async () => {
      await ownerPage.getByTestId('op-emailed-form').waitFor();
      await ownerPage.waitForFunction(() => !document.querySelector('main .loading'));
      let last = await structure();
      for (let same = 0, i = 0; same < 3 && i < 100; i += 1) {
        await ownerPage.waitForTimeout(100);
        const now = await structure();
        same = JSON.stringify(now) === JSON.stringify(last) ? same + 1 : 0;
        last = now;
      }
      return last;
    };
    // The previous step left the console in English: opened again in English, it is the reference.
    await ownerPage.reload();
    const expected = await settled();
    await ownerPage.evaluate(() => localStorage.setItem('jimp.lang', 'fr'));
    await ownerPage.reload();
    const french = await settled();
    assert.notDeepEqual(french, expected, 'the console reads differently in French');
    await ownerPage.getByTestId('op-emailed-email').fill('personne@example.com');
    await ownerPage.getByTestId('op-breach-nature').fill('Un envoi à la mauvaise liste');
    // Marks on what is on screen: a console rebuilt would lose them, and its lists would be asked for again.
    await ownerPage.evaluate(() => {
      window.__sameDocument = true;
      for (const id of ['op-emailed-email', 'op-pending', 'op-insights', 'op-policy', 'op-breaches']) document.querySelector(`[data-testid="${id}"]`).__kept = true;
      document.querySelector('[data-testid="op-emailed-email"]').focus();
      window.scrollTo(0, 600);
    });
    const scrolled = await ownerPage.evaluate(() => window.scrollY);
    const asked = [];
    const onRequest = (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) asked.push(new URL(request.url()).pathname);
    };
    ownerPage.on('request', onRequest);
    await ownerPage.getByTestId('lang-switch').click();
    let seen = [];
    for (let i = 0; i < 100 && JSON.stringify(seen) !== JSON.stringify(expected); i += 1) {
      await ownerPage.waitForTimeout(100);
      seen = await structure();
    }
    assert.deepEqual(seen, expected, 'the console after the switch reads as when opened in English');
    ownerPage.off('request', onRequest);
    assert.deepEqual(asked, [], 'the switch asks the server nothing: the lists loaded stay');
    assert.equal(await ownerPage.evaluate(() => window.__sameDocument), true, 'not reloaded');
    assert.deepEqual(
      await ownerPage.evaluate(() => ['op-emailed-email', 'op-pending', 'op-insights', 'op-policy', 'op-breaches'].filter((id) => !document.querySelector(`[data-testid="${id}"]`).__kept)),
      [],
      'the form and the lists are the ones on screen before the switch',
    );
    assert.equal(await ownerPage.getByTestId('op-emailed-email').inputValue(), 'personne@example.com');
    assert.equal(await ownerPage.getByTestId('op-breach-nature').inputValue(), 'Un envoi à la mauvaise liste');
    // Where the owner was: the texts above reflow in English (a few lines shorter), the page does not jump.
    const after = await ownerPage.evaluate(() => window.scrollY);
    assert.ok(Math.abs(after - scrolled) < 100, `where the owner was: scrolled to ${after}, was ${scrolled}`);
    assert.equal(await ownerPage.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'lang-switch');
    assert.equal(await ownerPage.evaluate(() => document.title), "Owner's console · JIMP");
    assert.deepEqual(errors, []);
  });
});
