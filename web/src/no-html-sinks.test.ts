import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The app builds its DOM from elements and text nodes only (dom.ts, markdown.ts): no HTML string ever reaches the
// page, which keeps the strict CSP meaningful and a model's answer inert. This guard covers the source and, when a
// build exists, the bundle (uPlot included), and stays in force for a component library (Preact's
// dangerouslySetInnerHTML is named here so that a migration cannot bring it in).
const sinks: Array<[string, RegExp]> = [
  ['innerHTML/outerHTML assignment', /\.(?:innerHTML|outerHTML)\s*[+]?=(?!=)/],
  ['insertAdjacentHTML', /insertAdjacentHTML\s*\(/],
  ['dangerouslySetInnerHTML', /dangerouslySetInnerHTML/],
  ['document.write', /document\.write(?:ln)?\s*\(/],
  ['createContextualFragment', /createContextualFragment\s*\(/],
  ['setHTMLUnsafe', /setHTMLUnsafe\s*\(/],
];

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, keep);
    return keep(name) ? [path] : [];
  });
}

function offences(paths: string[]): string[] {
  return paths.flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    return sinks.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${path}: ${what}`);
  });
}

const src = join(__dirname);
const dist = join(__dirname, '..', 'dist');

describe('no HTML string sinks', () => {
  it('the guard recognises every sink it names', () => {
    const samples = ['el.innerHTML = x', 'el.outerHTML += x', "el.insertAdjacentHTML('beforeend', x)", 'h("div", { dangerouslySetInnerHTML: { __html: x } })', 'document.write(x)', 'range.createContextualFragment(x)', 'el.setHTMLUnsafe(x)'];
    for (const sample of samples) expect(sinks.some(([, pattern]) => pattern.test(sample)), sample).toBe(true);
    expect(sinks.some(([, pattern]) => pattern.test('if (el.innerHTML === "") {}'))).toBe(false);
  });

  it('the app source uses none', () => {
    const sources = files(src, (name) => /\.(?:ts|tsx|js|jsx)$/.test(name) && !name.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(10);
    expect(offences(sources)).toEqual([]);
  });

  it.runIf(existsSync(join(dist, 'assets')))('the built bundle uses none', () => {
    const bundle = files(join(dist, 'assets'), (name) => name.endsWith('.js'));
    expect(bundle.length).toBeGreaterThan(0);
    expect(offences(bundle)).toEqual([]);
  });
});
