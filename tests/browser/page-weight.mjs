// Benchmark: the weight of the built web app (JS and CSS, gzipped with node's zlib) and, with the DevHost
// running (JIMP_BASE_URL, default http://127.0.0.1:7181), the time from navigation start on #/chat until the
// chat input is usable, for a signed-in user, measured in Chromium. Prints figures; asserts nothing.
//   node tests/browser/page-weight.mjs [runs]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BASE_URL, ROOT, fakeState, launch, mockApi, newContext, signInLinkFor } from './lib.mjs';

const dist = path.join(ROOT, 'web/dist');
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else files.push(full);
  }
};
walk(dist);
const weigh = (ext) => {
  const list = files.filter((f) => f.endsWith(ext));
  const raw = list.reduce((n, f) => n + statSync(f).size, 0);
  const gz = list.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  return { count: list.length, raw, gz };
};
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log('web/dist page weight');
for (const [label, ext] of [['JS', '.js'], ['CSS', '.css'], ['HTML', '.html']]) {
  const w = weigh(ext);
  console.log(`  ${label.padEnd(4)} ${w.count} file(s)  ${kb(w.raw).padStart(10)} raw  ${kb(w.gz).padStart(9)} gzipped`);
}
const total = ['.js', '.css', '.html'].map(weigh).reduce((n, w) => n + w.gz, 0);
console.log(`  total to first paint (gzipped): ${kb(total)}`);

const runs = Number(process.argv[2] ?? 7);
let healthy = false;
try {
  healthy = (await fetch(`${BASE_URL}/api/health`)).ok;
} catch {
  healthy = false;
}
if (!healthy) {
  console.log(`\nno DevHost at ${BASE_URL}: start it to measure time to a usable chat input`);
  process.exit(0);
}

const browser = await launch();
const context = await newContext(browser);
const page = await context.newPage();
let mode = 'real API';
try {
  // A real signed-in user: sign in through the dev mailbox.
  const email = `weight-${Date.now()}@example.com`;
  const since = Date.now() - 1000;
  await page.goto('/#/');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('age-confirm').check();
  await page.getByTestId('terms-accept').check();
  await page.getByTestId('policy-accept').check();
  await page.getByTestId('send-link').click();
  await page.getByTestId('link-sent').waitFor({ timeout: 5000 });
  await page.goto(await signInLinkFor(email, { after: since, timeoutMs: 10000 }));
  await page.waitForURL(/#\/(onboarding|chat)/);
} catch {
  mode = 'fake API (this server has no sign-in yet)';
  await mockApi(context, fakeState());
}

const times = [];
const loaded = [];
for (let i = 0; i < runs; i += 1) {
  await page.goto('about:blank');
  await page.goto('/#/chat');
  await page.waitForFunction(() => window.__inputEnabledAt !== undefined, null, { timeout: 30000 });
  times.push(await page.evaluate(() => window.__inputEnabledAt));
  loaded.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0));
}
await browser.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`\ntime from navigation start to a usable chat input (#/chat, signed in, ${mode}, ${runs} runs, warm cache)`);
console.log(`  median ${median.toFixed(0)} ms   min ${times[0].toFixed(0)} ms   max ${times.at(-1).toFixed(0)} ms`);
loaded.sort((a, b) => a - b);
console.log(`  (DOMContentLoaded median ${loaded[Math.floor(loaded.length / 2)].toFixed(0)} ms)`);
