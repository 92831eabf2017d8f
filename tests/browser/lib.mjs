// Shared by the browser tests: Debian's Chromium driven by playwright-core (no browser download, ever),
// the base URL of the DevHost, request/CSP watchers, and an in-memory fake of the API contract
// (docs/api.md) for the tests that check the interface itself.
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { violations } from './contract.mjs';

/** Every way the fake API broke docs/openapi.json in this file's process (ui.test.mjs and screens.test.mjs assert it stays empty). */
export const contractViolations = [];

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BASE_URL = (process.env.JIMP_BASE_URL ?? 'http://127.0.0.1:7181').replace(/\/$/, '');
/** The DevHost's Storage:Prefix (run.sh gives each run its own): a table's name in Azurite is this + its name. */
export const STORAGE_PREFIX = process.env.JIMP_STORAGE_PREFIX ?? '';
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');
export const STORAGE_KEYS = JSON.parse(readFileSync(path.join(ROOT, 'web/src/storage-keys.json'), 'utf8'));

export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 375, height: 812 };

// Debian's chromium-headless-shell (the same Chromium version, built for headless use only; Playwright's own default
// for headless runs): measured on the screenshot loop of screens.test.mjs, 28 page loads, about a third of the CPU of
// the full browser in headless mode (27.6 s vs 85.0 s) and 33 s vs 57 s of wall time. /usr/bin/chromium when it is
// not installed; CHROMIUM_PATH chooses another.
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
export const LAUNCH_OPTIONS = {
  executablePath: process.env.CHROMIUM_PATH ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium'),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/**
 * The run's browser: run.sh starts one Chromium for every test file (browser-server.mjs) and names it in
 * JIMP_BROWSER_WS; a file run on its own launches one. Either way `browser.close()` ends what the file opened
 * (for a shared browser: its contexts, and the connection).
 */
export async function launch() {
  if (process.env.JIMP_BROWSER_WS) return chromium.connect(process.env.JIMP_BROWSER_WS);
  return chromium.launch(LAUNCH_OPTIONS);
}

/**
 * The browser of one test file: connected (or launched) once the DevHost answers, closed after the file's tests.
 * `const run = useBrowser()` at the top of the file; `run.browser` in the tests. (One hook each way: node 20 starts a
 * file's top-level before hooks together, not one after another.)
 */
export function useBrowser() {
  const run = { browser: null };
  before(async () => {
    await waitForHealth();
    run.browser = await launch();
  });
  after(async () => {
    await run.browser?.close();
  });
  return run;
}

/**
 * One journey's browser, context and page (its steps share them, in order), with every request that leaves
 * 127.0.0.1 and every page or CSP error recorded in `external` and `errors`. `open(browser)` makes the context
 * (default: newContext, French, desktop size); `ready(journey)` is called once the page is there, in the same hook.
 */
export function useJourney({ open = (browser) => newContext(browser), ready = () => {} } = {}) {
  const journey = { external: [], errors: [], browser: null, context: null, page: null };
  before(async () => {
    await waitForHealth();
    journey.browser = await launch();
    journey.context = await open(journey.browser);
    journey.page = await journey.context.newPage();
    watchRequests(journey.page, journey.external);
    watchErrors(journey.page, journey.errors);
    ready(journey);
  });
  after(async () => {
    await journey.browser?.close();
  });
  return journey;
}

/** A fresh context (no cookies) in the given language and size. */
export async function newContext(browser, { lang = 'fr', viewport = DESKTOP, mobile = false } = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport,
    deviceScaleFactor: 1,
    isMobile: mobile,
    hasTouch: mobile,
    locale: lang === 'en' ? 'en-GB' : 'fr-FR',
    timezoneId: 'Europe/Paris',
    acceptDownloads: true,
  });
  if (lang === 'en') {
    await context.addInitScript((key) => {
      if (!localStorage.getItem(key)) localStorage.setItem(key, 'en');
    }, STORAGE_KEYS.localStorage[0]);
  }
  // Records CSP violations and whether the AI notice was visible when the chat input got enabled.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    window.__inputEnabledWithNotice = [];
    const check = () => {
      const input = document.querySelector('[data-testid="chat-input"]');
      if (input && !input.disabled && !input.dataset.checked) {
        input.dataset.checked = '1';
        window.__inputEnabledAt = performance.now();
        const notice = document.querySelector('[data-testid="ai-disclosure"]');
        const r = notice?.getBoundingClientRect();
        window.__inputEnabledWithNotice.push(Boolean(notice && r && r.width > 0 && r.height > 0 && getComputedStyle(notice).visibility !== 'hidden'));
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
  });
  return context;
}

/**
 * A page of a fresh context (newContext: language, size) on `hash`, with the fake API (mockApi) answering from
 * `state`, its external requests and errors recorded in the lists given.
 */
export async function fakePage(browser, hash, { state = fakeState(), lang = 'fr', viewport = DESKTOP } = {}, { external = [], errors = [] } = {}) {
  const context = await newContext(browser, { lang, viewport, mobile: viewport === MOBILE });
  const page = await context.newPage();
  watchRequests(page, external);
  watchErrors(page, errors);
  await mockApi(page, state);
  await page.goto(`/${hash}`);
  return { context, page, state };
}

/** Collects every request whose host is not 127.0.0.1 (data: URLs aside). */
export function watchRequests(page, list) {
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    const { hostname } = new URL(url);
    if (hostname !== '127.0.0.1') list.push(url);
  });
  return list;
}

/** Console errors, page errors and CSP reports of a page. */
export function watchErrors(page, list) {
  page.on('pageerror', (error) => list.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) list.push(`csp: ${message.text()}`);
  });
  return list;
}

/**
 * The steps of one journey, in order: `const step = journeySteps(test)`, then `step(name, fn)` like `test`. Once a
 * step fails, the later ones are reported as skipped, naming it (they depend on what it should have done).
 */
export function journeySteps(test) {
  let broken = null;
  return function step(name, fn) {
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
  };
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => document.fonts?.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage, animations: 'disabled', caret: 'hide' });
}

export async function waitForHealth(timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${BASE_URL}/api/health`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${BASE_URL}/api/health did not answer`);
}

/** The mails the DevHost's dev mailbox holds for this address (newest first). */
export async function mailsFor(address) {
  const r = await fetch(`${BASE_URL}/dev/mailbox?to=${encodeURIComponent(address)}`);
  return r.ok ? r.json() : [];
}

/** The newest sign-in link in the DevHost's dev mailbox for this address. */
export async function signInLinkFor(address, { after = 0, timeoutMs = 20000 } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const mail of await mailsFor(address)) {
      if (Date.parse(mail.receivedAt) < after) continue;
      const match = /(https?:\/\/[^\s"'<>]+#\/verify\?token=[A-Za-z0-9_\-.%~]+)/.exec(`${mail.text ?? ''} ${mail.html ?? ''}`);
      if (match) return match[1].replace(/&amp;/g, '&');
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no sign-in mail for ${address}`);
}

/** Waits until the dev mailbox holds a mail for this address whose subject matches (a condition, not a sleep). */
export async function waitForMail(address, subject, { timeoutMs = 60000 } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await mailsFor(address)).some((mail) => subject.test(mail.subject ?? ''))) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no mail matching ${subject} for ${address}`);
}

/**
 * Fills the sign-up form of this page for the address (age, terms and policy confirmed) and sends it; returns once
 * the page says the link was sent (or throws with what the page says instead).
 */
export async function askLinkInPage(page, address) {
  await page.goto('/#/');
  await page.getByTestId('email').fill(address);
  await page.getByTestId('age-confirm').check();
  await page.getByTestId('terms-accept').check();
  await page.getByTestId('policy-accept').check();
  await page.getByTestId('send-link').click();
  await page.getByTestId('link-sent').waitFor().catch(async (error) => {
    throw new Error(`no link sent to ${address}; the page says: ${(await page.locator('main').innerText()).slice(0, 300)}`, { cause: error });
  });
}

/** Asks a sign-in link for the address through this page's sign-up form; returns the link from the dev mailbox. */
export async function linkAskedInPage(page, address) {
  const since = Date.now() - 1000;
  await askLinkInPage(page, address);
  return signInLinkFor(address, { after: since });
}

/**
 * Signs in (or up) through the web app in this page with the link from the dev mailbox. The verify page never posts
 * on its own (login CSRF): the person confirms with a click. Returns once the page shows `landing`.
 */
export async function signInInPage(page, address, { landing = /#\/(onboarding|chat)$/ } = {}) {
  await page.goto(await linkAskedInPage(page, address));
  await page.getByTestId('verify-continue').click();
  await page.waitForURL(landing, { timeout: 15000 });
}

/** A fetch from inside the page (its cookies, the web app's X-Requested-With), as { status, json }. */
export async function apiInPage(page, path, init = {}) {
  return page.evaluate(
    async ([p, i]) => {
      const r = await fetch(p, { credentials: 'same-origin', ...i, headers: { 'X-Requested-With': 'jimp', ...(i.headers ?? {}) } });
      const text = await r.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: r.status, json };
    },
    [path, init],
  );
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The WCAG 2.x A/AA violations axe finds on the page as it is (one line each). The axe script is injected by the
 * test: the page's context must bypass the CSP for that (the CSP itself is checked by ui.test.mjs).
 */
export async function axeViolations(page) {
  // Once per document: a page scanned again (e.g. after a resize) keeps the axe it was given.
  if (!(await page.evaluate(() => typeof window.axe?.run === 'function'))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Waits until the browser has laid out and painted what the page shows now (two animation frames). */
export async function painted(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

// ---- the real API from node (no browser): creators for the tests that need many ----

/** A request to the DevHost from node, with the web app's Origin and, when given, a session cookie. */
export async function apiRequest(path, { method = 'GET', body, cookie } = {}) {
  const headers = { Origin: BASE_URL };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (cookie) headers.Cookie = cookie;
  return fetch(`${BASE_URL}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Asks a sign-in link for the address through the API (age, current terms and policy accepted); asserts the 202. */
export async function askLink(address) {
  const policy = (await (await fetch(`${BASE_URL}/api/policy`)).json()).current;
  const terms = (await (await fetch(`${BASE_URL}/api/terms`)).json()).current;
  const asked = await apiRequest('/api/auth/link', { method: 'POST', body: { email: address, locale: 'fr', ageConfirmed: true, acceptedPolicyVersion: policy, acceptedTermsVersion: terms } });
  assert.equal(asked.status, 202, `link for ${address}: ${asked.status}`);
}

/** Signs a creator up (or in) by the e-mailed link through the API; returns the session cookie. */
export async function signUpByApi(address) {
  const since = Date.now() - 1000;
  await askLink(address);
  const token = new URL((await signInLinkFor(address, { after: since })).replace('#/verify', 'verify')).searchParams.get('token');
  const verified = await apiRequest('/api/auth/verify', { method: 'POST', body: { token } });
  assert.equal(verified.status, 200, `verify: ${verified.status}`);
  return verified.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Signs a creator up by the e-mailed link, saves the profile and asks the coach these questions; returns the user id. */
export async function creatorAsks(address, profile, questions) {
  const cookie = await signUpByApi(address);
  const saved = await apiRequest('/api/me/profile', { method: 'PUT', cookie, body: { goals: ['first-sale'], learningStyle: 'examples', country: 'FR', language: 'fr', ...profile } });
  assert.equal(saved.status, 200, `profile: ${saved.status} ${await saved.text()}`);
  const conversation = await apiRequest('/api/conversations', { method: 'POST', cookie, body: {} });
  assert.equal(conversation.status, 201, `conversation: ${conversation.status}`);
  const { id } = await conversation.json();
  for (const question of questions) {
    const turn = await apiRequest(`/api/conversations/${id}/messages`, { method: 'POST', cookie, body: { text: question } });
    assert.equal(turn.status, 200, `turn: ${turn.status}`);
    assert.match(await turn.text(), /event: done/, 'the turn ended with done');
  }
  return (await (await apiRequest('/api/me', { cookie })).json()).userId;
}

// ---------------------------------------------------------------------------------------------------
// An in-memory fake of the API (docs/api.md), installed with page.route, for tests of the interface.
// ---------------------------------------------------------------------------------------------------

const policyFr = readFileSync(path.join(ROOT, 'docs/privacy/policy.fr.md'), 'utf8');
const policyEn = readFileSync(path.join(ROOT, 'docs/privacy/policy.en.md'), 'utf8');
const termsFr = readFileSync(path.join(ROOT, 'docs/terms/cgu.fr.md'), 'utf8');
const termsEn = readFileSync(path.join(ROOT, 'docs/terms/cgu.en.md'), 'utf8');
const opt = (id, fr, en) => ({ id, fr, en });

/** Sign-in tokens the fake knows, as long as real ones (the contract asks 20 to 64 characters). */
export const TOKENS = { good: `good${'g'.repeat(39)}`, other: `other${'o'.repeat(38)}` };

export const OPTIONS = {
  niches: [opt('beauty', 'Beauté & soins', 'Beauty & personal care'), opt('fashion', 'Mode & accessoires', 'Fashion & accessories'), opt('home', 'Maison & déco', 'Home & living'), opt('kitchen', 'Cuisine & ustensiles', 'Kitchen & cooking'), opt('electronics', 'High-tech & gadgets', 'Tech & gadgets'), opt('sports', 'Sport & plein air', 'Sports & outdoor'), opt('health', 'Bien-être', 'Wellness'), opt('baby', 'Bébé & maternité', 'Baby & maternity'), opt('pets', 'Animaux', 'Pets'), opt('food', 'Alimentation & boissons', 'Food & drinks'), opt('toys', 'Jouets & loisirs', 'Toys & hobbies'), opt('books', 'Livres & papeterie', 'Books & stationery')],
  goals: [opt('first-sale', 'Faire ma première vente', 'Make my first sale'), opt('monthly-commission', 'Atteindre un revenu mensuel en commissions', 'Reach a monthly commission income'), opt('audience-growth', 'Faire grandir mon audience', 'Grow my audience'), opt('consistency', 'Publier régulièrement', 'Post consistently'), opt('go-live', 'Me lancer en live shopping', 'Start doing shopping lives'), opt('brand-deals', 'Obtenir des collaborations avec des marques', 'Land brand collaborations')],
  experience: [opt('beginner', 'Débutant·e', 'Beginner'), opt('intermediate', 'Intermédiaire', 'Intermediate'), opt('advanced', 'Confirmé·e', 'Advanced')],
  learningStyles: [opt('step-by-step', 'Étape par étape', 'Step by step'), opt('examples', 'Avec des exemples', 'With examples'), opt('quick-tips', 'Astuces rapides', 'Quick tips'), opt('scripts', 'Scripts à filmer', 'Scripts to film')],
  countries: [opt('FR', 'France', 'France'), opt('BE', 'Belgique', 'Belgium'), opt('LU', 'Luxembourg', 'Luxembourg'), opt('DE', 'Allemagne', 'Germany'), opt('ES', 'Espagne', 'Spain'), opt('IT', 'Italie', 'Italy'), opt('GB', 'Royaume-Uni', 'United Kingdom')],
  languages: [opt('fr', 'Français', 'French'), opt('en', 'Anglais', 'English')],
  maxNiches: 3,
  nicheDetailsMaxLength: 200,
};

const ANSWER_FR = `## 5 hooks pour ta niche beauté

1. **« J'ai testé ce sérum 7 jours… »** : montre l'avant/après dès la première seconde.
2. **« Arrête d'acheter ça »** : un contre-exemple, puis ton produit.
3. *Le geste en gros plan* : texture, application, résultat.

> Astuce : garde ton hook sous **3 secondes**.

Vérifie les règles sur [le centre d'aide TikTok Shop](https://seller.tiktok.com).`;

const ANSWER_EN = `## 5 hooks for your beauty niche

1. **"I tried this serum for 7 days…"**: show the before/after in the first second.
2. **"Stop buying this"**: a counter-example, then your product.
3. *The close-up gesture*: texture, application, result.

> Tip: keep your hook under **3 seconds**.

Check the rules in [the TikTok Shop help center](https://seller.tiktok.com).`;

const playbookText = (title, summary) => ({ title, summary, steps: ['Étape une', 'Étape deux'], examples: ['Un exemple'], tips: ['Une astuce'], script: '', beginner: 'Commence petit.', advanced: '' });
export const PLAYBOOKS = [
  { id: 'hooks-first-seconds', topic: 'hooks', niches: [], levels: ['beginner'], fr: playbookText('Réussir les 3 premières secondes', 'Le hook décide si la vidéo est regardée.'), en: playbookText('Nail the first 3 seconds', 'The hook decides whether the video is watched.') },
  { id: 'products-choose-first-product', topic: 'products', niches: [], levels: ['beginner'], fr: playbookText('Choisir un bon produit à promouvoir', 'Un bon produit se comprend en trois secondes.'), en: playbookText('Choose a good product to promote', 'A good product is understood in three seconds.') },
];

/** A creator's workspace for the fake API: one product, three analysed videos, next week's plan of two videos. */
function fakeWorkspace(now) {
  const day = (n) => new Date(now + n * 864e5).toISOString().slice(0, 10);
  const category = (id, playbookId, fr, en) => ({ id, playbookId, fr, en });
  const point = (n, hookStyle, retentionPercent, clickThroughPercent) => ({ id: `v${n}`, postedOn: day(-3 - n), hookStyle, productId: 'p1', views: 1000 * n, retentionPercent, completionPercent: 30, clickThroughPercent, conversionPercent: 2, commissionEur: 4 });
  const item = (index, date, idea, trend) => ({ index, date, productId: 'p1', productName: 'Brosse anti-poils', hookStyle: 'question', format: 'demo', idea, trend, done: false });
  return {
    options: {
      hookStyles: [category('question', 'hooks-question-curiosity', 'Question', 'Question'), category('result-first', 'hooks-first-3-seconds', "Résultat d'abord", 'Result first')],
      formats: [category('demo', 'formats-demo', 'Démo', 'Demo')],
      statuses: ['idea', 'testing', 'promoting', 'dropped'],
      maxProducts: 50,
      maxVideos: 500,
      maxImportBytes: 1048576,
      csvColumns: ['posted_on', 'views'],
    },
    products: [{ id: 'p1', name: 'Brosse anti-poils', niche: 'home', priceEur: 19.9, commissionPercent: 15, shopUrl: null, notes: null, status: 'testing', earningPerSaleEur: 2.99, trendingInNiche: [], trending: false, createdAt: new Date(now - 864e5 * 5).toISOString(), updatedAt: new Date(now - 864e5 * 5).toISOString() }],
    results: {
      videos: 3,
      analysed: 3,
      settleDays: 2,
      medians: { retentionPercent: 42, completionPercent: 30, clickThroughPercent: 3.1, conversionPercent: 2, commissionPer1000Views: 1.2 },
      points: [point(1, 'question', 35, 2.5), point(2, 'result-first', 48, 3.4), point(3, 'result-first', 44, 3.1)],
      hookStyles: [{ hookStyle: 'result-first', label: "Résultat d'abord", playbookId: 'hooks-first-3-seconds', videos: 2, retentionPercent: 46, clickThroughPercent: 3.25, conversionPercent: 2, retentionVsMedian: 4, clickThroughVsMedian: 0.15, conversionVsMedian: 0 }],
      products: [],
      findings: [{ kind: 'best-hook', tone: 'good', playbookId: 'hooks-first-3-seconds', text: 'Tes hooks « résultat d’abord » retiennent le mieux.' }],
    },
    plan: { week: '2026-W50', language: 'fr', createdAt: new Date(now - 3600e3).toISOString(), items: [item(0, day(5), 'Montre la brosse sur un canapé', '#cleantok'), item(1, day(7), 'Avant/après sur un pull', null)] },
  };
}

export function fakeState(overrides = {}) {
  const now = Date.now();
  const iso = (msAgo) => new Date(now - msAgo).toISOString();
  return {
    signedIn: true,
    email: 'lea@example.com',
    profile: { niches: ['beauty', 'home'], nicheDetails: 'Soins pour peaux sensibles', goals: ['first-sale', 'monthly-commission'], monthlyCommissionTargetEur: 500, experience: 'beginner', learningStyle: 'examples', country: 'FR', language: 'fr', updatedAt: iso(86400000) },
    restricted: false,
    objectsToInsights: false,
    conversations: [
      { id: 'c1', title: 'Hooks pour mon sérum', createdAt: iso(3600000), updatedAt: iso(3000000), messageCount: 2 },
      { id: 'c2', title: 'Plan de la semaine', createdAt: iso(86400000 * 2), updatedAt: iso(86400000 * 2), messageCount: 2 },
    ],
    messages: {
      c1: [
        { id: 'm1', role: 'user', text: 'Donne-moi des idées de hooks pour un sérum visage.', createdAt: iso(3100000), status: 'ok', mode: null, aiGenerated: false, sources: [] },
        { id: 'm2', role: 'assistant', text: ANSWER_FR, createdAt: iso(3000000), status: 'ok', mode: 'offline', aiGenerated: true, sources: [] },
      ],
      c2: [],
    },
    answer: { fr: ANSWER_FR, en: ANSWER_EN },
    trendsConfigured: true,
    minimumAge: 16,
    exports: [{ id: 'e1', requestId: 'r1', status: 'ready', createdAt: iso(7200000), readyAt: iso(7000000), expiresAt: new Date(now + 6 * 86400000).toISOString() }],
    titled: new Set(),
    requests: [
      { id: 'r1', type: 'export', receivedAt: iso(7200000), dueAt: new Date(now + 29 * 86400000).toISOString(), status: 'completed', completedAt: iso(7000000), extension: null },
      { id: 'r2', type: 'restriction', receivedAt: iso(86400000 * 3), dueAt: new Date(now + 27 * 86400000).toISOString(), status: 'pending', completedAt: null, extension: null },
    ],
    consents: [{ purpose: 'marketing-emails', fr: 'E-mails de conseils et nouveautés', en: 'Tips and news e-mails', descriptionFr: 'Au plus deux e-mails par mois. Désinscription en un clic.', descriptionEn: 'At most two e-mails a month. One-click unsubscribe.', granted: false, changedAt: null, policyVersion: '2.0.0' }],
    activity: [
      { at: iso(600000), event: 'sign-in', ipPrefix: '203.0.113.0/24', userAgentFamily: 'Chrome', detail: null },
      { at: iso(700000), event: 'link-requested', ipPrefix: '203.0.113.0/24', userAgentFamily: 'Chrome', detail: null },
    ],
    requestsSeen: [],
    workspace: fakeWorkspace(now),
    ...overrides,
  };
}

function sse(events) {
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

/** Installs the fake API on a page (or context). Returns the state, which tests can inspect and change. */
export async function mockApi(target, state = fakeState()) {
  const user = () => ({ userId: 'u-123', email: state.email, locale: 'fr', createdAt: new Date(Date.now() - 864e5 * 10).toISOString(), acceptedPolicyVersion: '2.0.0', currentPolicyVersion: '2.0.0', newerPolicyAwaits: false, upcomingPolicy: null, upcomingTerms: null, restricted: state.restricted, objectsToInsights: state.objectsToInsights, operator: false });
  await target.route(`${BASE_URL}/api/**`, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const method = request.method();
    const p = url.pathname.replace(/^\/api\//, '');
    const body = request.postData() ? JSON.parse(request.postData()) : undefined;
    state.requestsSeen.push({ method, path: url.pathname + url.search, body, headers: request.headers() });
    // Every answer of the fake is checked against the contract (docs/openapi.json) before the page gets it.
    const fulfill = (answer, parsed) => {
      contractViolations.push(...violations({ method, pathname: url.pathname, requestBody: body, status: answer.status, contentType: answer.contentType, body: parsed }));
      return route.fulfill(answer);
    };
    const json = (status, data, headers = {}) => fulfill({ status, contentType: status >= 400 ? 'application/problem+json' : 'application/json', headers, body: JSON.stringify(data) }, data);
    const problem = (status, code, extra = {}) => json(status, { type: 'about:blank', title: code, status, code, ...extra });
    if (method !== 'GET' && request.headers()['x-requested-with'] !== 'jimp') return problem(403, 'origin');

    if (p === 'health') return json(200, { storage: 'ok', model: 'offline', trends: state.trendsConfigured ? 'ok' : 'not-configured', version: 'test', email: 'configured' });
    if (p === 'terms') {
      return json(200, { current: '1.0.0', versions: [{ version: '1.0.0', date: '2026-12-02', effective: '2026-12-02', material: true, languages: ['fr', 'en'] }], version: '1.0.0', date: '2026-12-02', effective: '2026-12-02', material: true, documents: { fr: termsFr, en: termsEn } });
    }
    if (p === 'policy') {
      const version = url.searchParams.get('version') ?? '2.0.0';
      return json(200, { current: '2.0.0', upcoming: null, versions: [{ version: '2.0.0', date: '2026-12-01', effective: '2026-12-01', material: true, languages: ['fr', 'en'] }, { version: '1.0.0', date: '2026-01-15', effective: '2026-01-15', material: true, languages: ['fr'] }], version, date: version === '2.0.0' ? '2026-12-01' : '2026-01-15', effective: version === '2.0.0' ? '2026-12-01' : '2026-01-15', material: true, documents: version === '2.0.0' ? { fr: policyFr, en: policyEn } : { fr: '# Politique de confidentialité (1.0.0)\n\nAncienne version.' }, minimumAge: state.minimumAge });
    }
    if (p === 'auth/link') {
      if (state.linkStatus === 429) return json(429, { type: 'about:blank', title: 'Too many requests', status: 429, code: 'rate-limited' }, { 'Retry-After': '120' });
      if (!body?.email?.includes('@')) return json(400, { type: 'about:blank', title: 'invalid', status: 400, errors: { email: ['Invalid e-mail address.'] } });
      return json(202, { status: 'sent', message: 'ok' });
    }
    if (p === 'auth/verify') {
      // Another account's link while signed in: refused until the person confirms (login CSRF).
      if (body?.token === TOKENS.other && state.signedIn && !body?.replaceSession) return problem(409, 'session-conflict');
      if (body?.token === TOKENS.good || body?.token === TOKENS.other) {
        state.signedIn = true;
        return json(200, { outcome: 'signed-in', user: user() });
      }
      return problem(400, body?.token === 'old' ? 'token-expired' : body?.token === 'used' ? 'token-used' : 'token-invalid');
    }
    // Public, like the server: an e-mailed request's confirmation link, a one-click unsubscribe link (one answer per token).
    if (p === 'requests/confirm') {
      if (body?.token === TOKENS.good) return json(200, { type: 'export', status: 'confirmed' });
      return problem(400, body?.token === 'old' ? 'token-expired' : body?.token === 'used' ? 'token-used' : 'token-invalid');
    }
    if (p === 'unsubscribe' && method === 'POST') {
      if (url.searchParams.get('t') === TOKENS.good) return json(200, { purpose: 'marketing-emails', fr: 'E-mails de conseils et nouveautés', en: 'Tips and news e-mails', granted: false });
      return problem(400, 'unsubscribe-invalid');
    }
    if (!state.signedIn) return problem(401, 'unauthenticated');
    if (p === 'auth/logout') {
      state.signedIn = false;
      return fulfill({ status: 204 });
    }
    if (p === 'auth/logout-all') {
      state.signedIn = false;
      return json(200, { revoked: 2 });
    }
    if (p === 'me') return json(200, user());
    if (p === 'profile/options') return json(200, OPTIONS);
    if (p === 'me/profile') {
      if (method === 'PUT') {
        if ((body.niches?.length ?? 0) > 3) return json(400, { type: 'about:blank', title: 'invalid', status: 400, errors: { niches: ['Pick at most 3 niches.'] } });
        state.profile = { ...body, updatedAt: new Date().toISOString() };
        return json(200, state.profile);
      }
      return state.profile ? json(200, state.profile) : problem(404, 'no-profile');
    }
    if (p === 'knowledge') return json(200, { items: PLAYBOOKS.map((b) => ({ id: b.id, topic: b.topic, niches: b.niches, fr: { title: b.fr.title, summary: b.fr.summary }, en: { title: b.en.title, summary: b.en.summary } })) });
    const playbook = /^knowledge\/([^/]+)$/.exec(p);
    if (playbook) {
      const found = PLAYBOOKS.find((b) => b.id === decodeURIComponent(playbook[1]));
      return found ? json(200, found) : problem(404, 'not-found');
    }
    if (p === 'conversations' && method === 'GET') return json(200, { items: state.conversations, next: null });
    if (p === 'conversations' && method === 'POST') {
      const c = { id: `c${state.conversations.length + 10}`, title: body?.title ?? (state.profile?.language === 'en' ? 'New conversation' : 'Nouvelle conversation'), createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), messageCount: 0 };
      if (body?.title) state.titled.add(c.id);
      state.conversations.unshift(c);
      state.messages[c.id] = [];
      return json(201, c);
    }
    let m = /^conversations\/([^/]+)$/.exec(p);
    if (m) {
      const c = state.conversations.find((x) => x.id === m[1]);
      if (!c) return problem(404, 'not-found');
      if (method === 'PATCH') return json(200, Object.assign(c, { title: body.title }));
      if (method === 'DELETE') {
        state.conversations = state.conversations.filter((x) => x !== c);
        return fulfill({ status: 204 });
      }
      if (state.olderMessages && c.id === 'c1') {
        return url.searchParams.get('cursor') === 'p2'
          ? json(200, { conversation: c, messages: state.olderMessages, next: null })
          : json(200, { conversation: c, messages: state.messages[c.id] ?? [], next: 'p2' });
      }
      return json(200, { conversation: c, messages: state.messages[c.id] ?? [], next: null });
    }
    m = /^conversations\/([^/]+)\/messages(?:\/([^/]+)\/retry)?$/.exec(p);
    if (m && method === 'POST') {
      if (state.restricted) return problem(403, 'restricted');
      if (state.chatStatus === 429) return json(429, { type: 'about:blank', title: 'Too many requests', status: 429, code: 'rate-limited' }, { 'Retry-After': '30' });
      if (state.chatStatus === 'budget-used') return json(429, { type: 'about:blank', title: 'Quota du jour atteint.', status: 429, code: 'budget-used', limit: 'turns', resetsAt: '2026-11-29T00:00:00Z' }, { 'Retry-After': '3600' });
      // No profile is needed: like the server, the fake coach answers without one (general advice, #16).
      // Like the server: the first message names a conversation created without a title (the done event says so).
      const conv = state.conversations.find((x) => x.id === m[1]);
      const autoTitle = conv && !state.titled.has(conv.id) && !conv.messageCount && !state.failStream ? (body?.text ?? '').split('\n')[0].slice(0, 60) : null;
      if (autoTitle) {
        conv.title = autoTitle;
        state.titled.add(conv.id);
      }
      const text = state.nextAnswer ?? state.answer[state.profile?.language === 'en' ? 'en' : 'fr'];
      const chunks = text.match(/[\s\S]{1,12}/g) ?? [];
      const events = [['start', { userMessageId: 'um1', mode: 'offline' }], ...chunks.map((c) => ['delta', { text: c }])];
      events.push(state.failStream ? ['error', { status: 503, title: "Le coach n'a pas pu répondre.", detail: 'Ton message est enregistré. Réessaie dans un instant.', code: 'turn-failed', userMessageId: 'um1' }] : ['done', { userMessageId: 'um1', assistantMessageId: 'am1', mode: 'offline', outcome: 'completed', usage: { promptTokens: 1, completionTokens: 1 }, title: autoTitle, sources: state.answerSources ?? [], aiGenerated: false, notice: state.doneNotice ?? null }]);
      if (state.failStream === 'once') state.failStream = false;
      return fulfill({ status: 200, contentType: 'text/event-stream', headers: { 'Cache-Control': 'no-cache' }, body: sse(events) }, events);
    }
    if (p === 'trends') {
      if (!state.trendsConfigured) return json(200, { configured: false, items: [] });
      const date = new Date(Date.now() - 864e5).toISOString().slice(0, 10);
      const fetchedAt = new Date(Date.now() - 3600e3 * 5).toISOString();
      const country = url.searchParams.get('country') ?? 'FR';
      const mk = (kind, names, metric) => names.map((name, i) => ({ kind, rank: i + 1, name, metric: metric(i), metricName: 'posts', views: null, category: null, country, periodDays: 7, date, fetchedAt, source: 'TikTok Creative Center' }));
      let items = [...mk('hashtags', ['#skincareroutine', '#glowup', '#tiktokmademebuyit', '#serum', '#maquillage'], (i) => 182000 - i * 23000), ...mk('keywords', ['sérum vitamine C', 'crème solaire teintée', 'routine peau grasse', 'patchs anti-boutons'], (i) => 48000 - i * 9000), ...mk('products', ['Sérum niacinamide 10 %', 'Gua sha en quartz rose', 'Brume fixatrice'], (i) => 9400 - i * 1800)];
      const kind = url.searchParams.get('kind');
      if (kind) items = items.filter((x) => x.kind === kind);
      return json(200, { configured: true, items });
    }
    if (p === 'me/exports' && method === 'POST') {
      const e = { id: `e${state.exports.length + 1}`, requestId: 'rx', status: 'pending', createdAt: new Date().toISOString(), readyAt: null, expiresAt: new Date(Date.now() + 7 * 864e5).toISOString() };
      state.exports.unshift(e);
      setTimeout(() => Object.assign(e, { status: 'ready', readyAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 7 * 864e5).toISOString() }), 500);
      return json(202, { requestId: 'rx', exportId: e.id, status: 'pending', dueAt: new Date(Date.now() + 30 * 864e5).toISOString() });
    }
    if (p === 'me/exports') return json(200, { items: state.exports });
    m = /^me\/exports\/([^/]+)\/download$/.exec(p);
    if (m) return fulfill({ status: 200, contentType: 'application/zip', body: Buffer.from('PK\u0003\u0004fake') });
    if (p === 'me/erasure') {
      if (body?.confirm?.toLowerCase() !== state.email) return json(400, { type: 'about:blank', title: 'invalid', status: 400, errors: { confirm: ['Type your e-mail address.'] } });
      state.erased = true;
      return json(202, { requestId: 'rz', status: 'erasing' });
    }
    if (p === 'me/requests') return json(200, { items: state.requests });
    if (p === 'me/activity') return json(200, { events: state.activity });
    if (p === 'me/consents') return json(200, { items: state.consents });
    m = /^me\/consents\/([^/]+)$/.exec(p);
    if (m) {
      const c = state.consents.find((x) => x.purpose === m[1]);
      Object.assign(c, { granted: body.granted, changedAt: new Date().toISOString() });
      return json(200, c);
    }
    if (p === 'me/objection') {
      state.objectsToInsights = body.insights;
      return json(200, { objectsToInsights: state.objectsToInsights });
    }
    if (p === 'me/restriction') {
      state.restricted = method === 'PUT';
      return json(200, { restricted: state.restricted });
    }
    if (p === 'me/email') return json(202, {});
    if (p === 'workspace/options') return json(200, state.workspace.options);
    if (p === 'me/products' && method === 'GET') return json(200, { items: state.workspace.products, max: state.workspace.options.maxProducts });
    if (p === 'me/results') return json(200, state.workspace.results);
    if (p === 'me/plan' && method === 'GET') return state.workspace.plan ? json(200, state.workspace.plan) : problem(404, 'no-plan');
    m = /^me\/plan\/([^/]+)\/items\/(\d+)$/.exec(p);
    if (m && method === 'PUT') {
      state.workspace.plan.items[Number(m[2])].done = body.done;
      return json(200, state.workspace.plan);
    }
    return problem(404, 'not-found');
  });
  return state;
}
