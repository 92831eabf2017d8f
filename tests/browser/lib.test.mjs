// The shared helpers of the browser tests that need no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journeySteps } from './lib.mjs';

test('journey steps: after a failed step the later ones are skipped, naming it; before it they run', async () => {
  const declared = [];
  const step = journeySteps((name, fn) => declared.push({ name, fn }));
  const ran = [];
  step('sign up', () => { ran.push('sign up'); });
  step('export', () => { throw new Error('no zip'); });
  step('erase', () => { ran.push('erase'); });
  const skipped = [];
  const t = { skip: (why) => skipped.push(why) };

  assert.deepEqual(declared.map((d) => d.name), ['sign up', 'export', 'erase']);
  await declared[0].fn(t);
  await assert.rejects(declared[1].fn(t), /no zip/);
  await declared[2].fn(t);
  assert.deepEqual(ran, ['sign up']);
  assert.deepEqual(skipped, ['needs the earlier step "export"']);
});

test('journey steps of two journeys do not share a failure', async () => {
  const a = [];
  const b = [];
  journeySteps((name, fn) => a.push(fn))('fails', () => { throw new Error('x'); });
  journeySteps((name, fn) => b.push(fn))('runs', () => {});
  await assert.rejects(a[0]({ skip() {} }));
  const skipped = [];
  await b[0]({ skip: (why) => skipped.push(why) });
  assert.deepEqual(skipped, []);
});
