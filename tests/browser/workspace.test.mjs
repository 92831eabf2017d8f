// #19's journey of one creator's workspace against the real DevHost, one step per test, in order:
// sign up → a product → 30 videos imported from a CSV of JIMP's template → the charts and the hook-style table
// → axe on the workspace page (FR, desktop and 375 px) → the coach, asked "qu'est-ce que je dois changer dans mes
// vidéos ?", answers from the creator's own numbers and cites them → the export ZIP holds the products and the
// videos → erasure, after which the same address signs in to an empty workspace.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { BASE_URL, DESKTOP, MOBILE, apiInPage, axeViolations as axeOn, journeySteps, screenshot, signInInPage, useJourney, waitForMail } from './lib.mjs';

const email = `workspace-${Date.now()}-${process.pid}@example.com`;
const PRODUCT = 'Brosse anti-poils';
const QUESTION = "qu'est-ce que je dois changer dans mes vidéos ?";
let browser;
let context;
let page;
const { external, errors } = useJourney({ ready: (journey) => ({ browser, context, page } = journey) });

const step = journeySteps(test);

const api = (path) => apiInPage(page, path);

const signIn = () => signInInPage(page, email, { landing: /#\/onboarding$/ });

/**
 * 30 videos of JIMP's template, one a day back from 3 days ago (all settled: the insights skip videos younger
 * than 48 h), over three hook styles with clearly different results: "question" hooks keep viewers least.
 */
function thirtyVideos(header) {
  const styles = ['question', 'result-first', 'problem'];
  const lines = [header];
  for (let i = 0; i < 30; i++) {
    const style = styles[i % 3];
    const [watch, clicks, orders] = style === 'question' ? [4, 8, 0] : style === 'result-first' ? [11, 45, 3] : [8, 25, 2];
    const day = new Date(Date.now() - (3 + i) * 86_400_000).toISOString().slice(0, 10);
    const views = 2000 + ((i * 137) % 900);
    lines.push([day, PRODUCT, `Hook numéro ${i}`, style, 'demo', 20, views, watch + (i % 3) / 10, '', Math.floor(views / 20), i % 7, i % 5, clicks + (i % 4), orders, (orders * 2.39).toFixed(2)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The entries of a ZIP (stored or deflated), read from its central directory. */
function unzip(buffer) {
  const entries = new Map();
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, 'a ZIP end record');
  let at = buffer.readUInt32LE(end + 16);
  for (let n = buffer.readUInt16LE(end + 10); n > 0; n--) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const skip = nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const local = buffer.readUInt32LE(at + 42);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + skip;
  }
  return entries;
}

async function axeViolations(hash, viewport) {
  // The axe script is injected by the test: this context bypasses the CSP for that injection only, with the
  // journey's session cookie.
  const audit = await browser.newContext({ baseURL: BASE_URL, viewport, bypassCSP: true, locale: 'fr-FR' });
  try {
    await audit.addCookies(await context.cookies());
    const p = await audit.newPage();
    await p.goto(`/${hash}`);
    await p.getByTestId('chart-retention').waitFor({ timeout: 30000 });
    await p.waitForFunction(() => !document.querySelector('.loading'));
    return await axeOn(p);
  } finally {
    await audit.close();
  }
}

describe('workspace of one creator (real API)', () => {
  step('signs up and fills the profile', async () => {
    await signIn();
    await page.getByTestId('niches-home').check();
    await page.getByTestId('goals-first-sale').check();
    await page.getByTestId('profile-save').click();
    await page.waitForURL(/#\/chat$/);
  });

  step('adds a product and sees what a sale earns', async () => {
    await page.goto('/#/workspace');
    // Before anything is entered, the page says what happens to it (art. 13 at collection), and links to the policy.
    const notice = page.getByTestId('ws-privacy');
    await notice.waitFor();
    const said = await notice.innerText();
    assert.match(said, /facultatif/);
    assert.match(said, /Rien n'est envoyé à TikTok/);
    assert.match(said, /effacés avec ton compte/);
    assert.equal(await notice.getByRole('link').getAttribute('href'), '#/policy');
    await page.getByTestId('product-form').waitFor();
    assert.ok(await page.evaluate(() => {
      const n = document.querySelector('[data-testid="ws-privacy"]');
      const f = document.querySelector('[data-testid="product-form"]');
      return !!n && !!f && (n.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    }), 'the notice comes before the product form');
    await page.getByTestId('product-name').fill(PRODUCT);
    await page.getByTestId('product-price').fill('19.90');
    await page.getByTestId('product-commission').fill('12');
    await page.getByTestId('product-url').fill('https://shop.tiktok.com/view/product/1729');
    await page.getByTestId('product-add').click();
    await page.getByTestId('product-row').filter({ hasText: PRODUCT }).waitFor();
    assert.equal((await page.getByTestId('product-earning').first().innerText()).trim(), '2.39 €');
  });

  step('imports 30 videos from a CSV of the template and sees the charts and the hook styles', async () => {
    const template = await (await fetch(`${BASE_URL}/api/workspace/template.csv?lang=fr`)).text();
    const header = template.split(/\r?\n/)[0];
    await page.getByTestId('csv-file').setInputFiles({ name: 'mes-videos.csv', mimeType: 'text/csv', buffer: Buffer.from(thirtyVideos(header), 'utf8') });
    await page.getByTestId('csv-import').click();
    await page.getByTestId('csv-outcome').filter({ hasText: '30 vidéos importées (30 nouvelles)' }).waitFor({ timeout: 30000 });
    await page.getByTestId('ws-medians').filter({ hasText: 'Sur 30 vidéos' }).waitFor({ timeout: 30000 });
    for (const chart of ['chart-retention', 'chart-ctr']) {
      const figure = page.getByTestId(chart);
      // The chart is drawn once its script has loaded: wait for the canvas (a chart that never draws one fails here).
      await figure.locator('canvas').first().waitFor({ timeout: 30000 }).catch(() => {});
      assert.equal(await figure.locator('canvas').count() > 0, true, `${chart} draws a canvas`);
      // Its text alternative holds the 30 points.
      assert.equal(await figure.locator('table.chart-table tbody tr').count(), 30, `${chart} has a row per video`);
    }
    const hookRows = page.getByTestId('hook-table').locator('tbody tr');
    assert.equal(await hookRows.count(), 3);
    const question = await hookRows.filter({ hasText: 'Question' }).innerText();
    assert.match(question, /-\d+(\.\d+)? %/, 'question hooks are below the median');
    assert.match(await page.getByTestId('findings').innerText(), /moins longtemps que ta médiane/);
    await screenshot(page, 'workspace-results');
  });

  step('the workspace page has no WCAG A/AA violation (axe), desktop and 375 px', async () => {
    for (const viewport of [DESKTOP, MOBILE]) {
      assert.deepEqual(await axeViolations('#/workspace', viewport), [], `workspace ${viewport.width}px`);
    }
  });

  step('the coach answers "what should I change" from the creator\'s own numbers and cites them', async () => {
    const results = (await api('/api/me/results')).json;
    const question = results.hookStyles.find((s) => s.hookStyle === 'question');
    await page.goto('/#/chat');
    await page.waitForFunction(() => !document.querySelector('[data-testid="chat-input"]')?.disabled);
    await page.getByTestId('chat-input').fill(QUESTION);
    await page.getByTestId('chat-send').click();
    await page.waitForFunction(() => (document.querySelector('.msg-assistant:last-of-type .msg-body')?.textContent ?? '').length > 0, null, { timeout: 30000 });
    await page.waitForFunction(() => !document.querySelector('[data-streaming]'), null, { timeout: 60000 });
    const answer = page.locator('.msg-assistant').last();
    const text = await answer.locator('.msg-body').innerText();
    assert.match(text, /D'après tes chiffres/);
    assert.match(text, /moins longtemps que ta médiane/);
    // The numbers cited are the creator's: the retention gap of the question hooks shown on the workspace page.
    assert.ok(text.includes(String(Math.trunc(Math.abs(question.retentionVsMedian)))), `the answer cites the ${question.retentionVsMedian} % gap: ${text}`);
    assert.match(text, /tes chiffres/);
    // The citation is a chip that leads to the workspace, also after a reload (from the stored message).
    await answer.getByTestId('source-creator-data').waitFor();
    await page.reload();
    const chip = page.locator('.msg-assistant').last().getByTestId('source-creator-data');
    await chip.waitFor({ timeout: 30000 });
    assert.equal(await chip.getAttribute('href'), '#/workspace');
    await chip.click();
    await page.waitForURL(/#\/workspace$/);
    await page.getByTestId('ws-medians').waitFor({ timeout: 30000 });
  });

  step('the export ZIP holds the product and the 30 videos, in JSON and CSV', async () => {
    await page.goto('/#/privacy');
    await page.getByTestId('export-request').click();
    const link = page.getByTestId('export-download').first();
    await link.waitFor({ timeout: 90000 });
    const bytes = await page.evaluate(async (href) => {
      const r = await fetch(href, { credentials: 'same-origin' });
      return Array.from(new Uint8Array(await r.arrayBuffer()));
    }, await link.getAttribute('href'));
    const zip = unzip(Buffer.from(bytes));
    const stores = JSON.parse(zip.get('data.json')).stores;
    const products = Object.entries(stores).find(([name]) => name.endsWith('products'))?.[1] ?? [];
    const videos = Object.entries(stores).find(([name]) => name.endsWith('videos'))?.[1] ?? [];
    assert.deepEqual(products.map((p) => p.name), [PRODUCT]);
    assert.equal(videos.length, 30);
    const videosCsv = [...zip.entries()].find(([name]) => name.startsWith('csv/') && name.endsWith('videos.csv'))?.[1] ?? '';
    assert.match(videosCsv, /Hook numéro 17/);
  });

  step('erasure removes the workspace: the same address signs in to no product and no video', async () => {
    await page.getByTestId('delete-account').click();
    await page.getByTestId('delete-confirm').fill(email);
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('send-link').waitFor({ timeout: 30000 });
    await waitForMail(email, /supprimé|deleted/);
    await signIn();
    assert.deepEqual((await api('/api/me/products')).json.items, []);
    assert.deepEqual((await api('/api/me/videos')).json.items, []);
  });

  test('no request left 127.0.0.1 and no CSP violation', async () => {
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
  });
});
