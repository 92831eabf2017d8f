// Writes two drafts of the next privacy policy versions for the browser tests' DevHost (DevHost:PolicyDraftsDirectory):
// 2.2.0, material, effective in 10 days (too soon to announce), and 3.0.0, material, effective in 45 days; and in its
// terms/ subfolder, drafts of the next terms of use (CGU): 1.1.0 in 10 days and 2.0.0 in 45 days, both material.
// Dates are relative to today, so the drafts never go stale.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'artifacts/policy-drafts'));
// Drafts of earlier runs go first: a version that has since been published in docs/privacy must not come back as a draft.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
for (const [version, offset] of [['2.2.0', 10], ['3.0.0', 45]]) {
  for (const language of ['fr', 'en']) {
    const body = readFileSync(path.join(root, `docs/privacy/policy.${language}.md`), 'utf8').replace(/^---[\s\S]*?---\r?\n/, '');
    writeFileSync(path.join(out, `${version}.${language}.md`), `---\nversion: ${version}\ndate: ${day(0)}\neffective: ${day(offset)}\nmaterial: true\nlanguage: ${language}\n---\n${body}`);
  }
}
mkdirSync(path.join(out, 'terms'), { recursive: true });
for (const [version, offset] of [['1.1.0', 10], ['2.0.0', 45]]) {
  for (const language of ['fr', 'en']) {
    const body = readFileSync(path.join(root, `docs/terms/cgu.${language}.md`), 'utf8').replace(/^---[\s\S]*?---\r?\n/, '');
    writeFileSync(path.join(out, 'terms', `${version}.${language}.md`), `---\nversion: ${version}\ndate: ${day(0)}\neffective: ${day(offset)}\nmaterial: true\nlanguage: ${language}\n---\n${body}`);
  }
}
console.log(out);
