import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

function render(source: string): HTMLElement {
  const div = document.createElement('div');
  div.appendChild(renderMarkdown(source));
  return div;
}

describe('renderMarkdown', () => {
  it('renders a script tag as text, creating no element', () => {
    const div = render('<script>alert(1)</script>');
    expect(div.querySelector('script')).toBeNull();
    expect(div.textContent).toBe('<script>alert(1)</script>');
    expect(div.querySelectorAll('*').length).toBe(1); // the paragraph only
  });

  it('renders an img with onerror as text, creating no element', () => {
    const div = render('Look <img src=x onerror=alert(1)> here **now**');
    expect(div.querySelector('img')).toBeNull();
    expect(div.querySelector('[onerror]')).toBeNull();
    expect(div.textContent).toBe('Look <img src=x onerror=alert(1)> here now');
  });

  it('keeps HTML inert inside every construct (headings, lists, tables, code, links)', () => {
    const div = render(['# <b>t</b>', '- <iframe src=x>', '| <svg onload=1> | a |', '|---|---|', '| <a href=x>y</a> | b |', '', '`<img>`', '', '[<img src=x>](https://example.com)'].join('\n'));
    for (const tag of ['b', 'iframe', 'svg', 'img']) expect(div.querySelector(tag)).toBeNull();
    expect(div.querySelectorAll('a').length).toBe(1);
    expect(div.querySelector('a')?.textContent).toBe('<img src=x>');
  });

  it('makes links only from http(s) URLs, opening in a new tab without opener or referrer', () => {
    const div = render('[ok](https://example.com/a?b=1) [bad](javascript:alert(1)) [data](data:text/html,x) [rel](/api/me) [mail](mailto:a@b.c)');
    const links = Array.from(div.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1']);
    expect(links[0]?.getAttribute('target')).toBe('_blank');
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(div.textContent).toContain('bad');
    expect(div.innerHTML).not.toContain('javascript:');
  });

  it('renders headings, emphasis, lists, code and quotes', () => {
    const div = render(['# Titre', '', 'Du **gras**, de l’*italique* et du `code`.', '', '- un', '- deux', '  - sous-point', '', '1. premier', '2. second', '', '```', 'const a = "<b>";', '```', '', '> citation'].join('\n'));
    expect(div.querySelector('h2')?.textContent).toBe('Titre');
    expect(div.querySelector('strong')?.textContent).toBe('gras');
    expect(div.querySelector('em')?.textContent).toBe('italique');
    expect(div.querySelector('p code')?.textContent).toBe('code');
    expect(div.querySelectorAll(':scope > ul > li').length).toBe(2);
    expect(div.querySelector('ul ul li')?.textContent).toBe('sous-point');
    expect(div.querySelectorAll(':scope > ol > li').length).toBe(2);
    expect(div.querySelector('pre code')?.textContent).toBe('const a = "<b>";');
    expect(div.querySelector('blockquote')?.textContent).toBe('citation');
  });

  it('renders tables with a header and cells', () => {
    const div = render(['| Nom | Durée |', '|---|---:|', '| `jimp_session` | 30 jours |', '| `jimp.lang` | **toujours** |'].join('\n'));
    expect(div.querySelectorAll('th').length).toBe(2);
    expect(div.querySelectorAll('tbody tr').length).toBe(2);
    expect(div.querySelector('tbody td code')?.textContent).toBe('jimp_session');
    expect(div.querySelector('td.align-right')).not.toBeNull();
  });

  it('does not treat snake_case as emphasis and honours escapes', () => {
    const div = render('a snake_case_name and \\*not italic\\*');
    expect(div.querySelector('em')).toBeNull();
    expect(div.textContent).toBe('a snake_case_name and *not italic*');
  });

  it('copes with unfinished Markdown while an answer streams', () => {
    for (const partial of ['**gras', '[lien](https://exa', '```\ncode', '| a |', '- ', '#']) {
      expect(() => render(partial)).not.toThrow();
    }
    expect(render('**gras').querySelector('strong')).toBeNull();
  });

  // A heading pattern of the form (.*?)\s*#*\s*$ took 2.2 s on one 2,000-character line: the rendering of a
  // streamed answer must stay linear in its length, whatever the model (or an injected prompt) writes.
  it.each([2_000, 100_000])('renders a hostile %i-character line of each block kind in linear time', (n) => {
    const hostile = [
      '# ' + ' #'.repeat(n / 2) + 'x',
      '# a' + ' '.repeat(n) + '#'.repeat(8) + ' x',
      '#' + ' '.repeat(n) + 'x',
      '- ' + ' -'.repeat(n / 2) + 'x',
      '* ' + ' '.repeat(n) + '*x',
      'a | b\n' + ' '.repeat(n) + 'x',
      'a | b\n|' + ' -|'.repeat(n / 3) + 'x',
      '> ' + '>'.repeat(n) + 'x',
      '1. ' + '1'.repeat(n) + '.x',
      '**' + 'a'.repeat(n) + '*',
      '*a' + '\\*'.repeat(n / 2),
      '['.repeat(n),
      '[a](' + '[a]('.repeat(n / 4),
      'a' + '`'.repeat(n),
    ];
    const times: number[] = [];
    for (const line of hostile) {
      const started = performance.now();
      const div = render(line);
      const elapsed = performance.now() - started;
      expect(div.textContent?.length ?? 0).toBeGreaterThan(0);
      // Linear work on 100,000 characters is tens of milliseconds even on a busy machine; a quadratic pattern
      // takes 10 s to minutes there (measured before the fix), so the bound catches it without being flaky.
      expect(elapsed, `${line.slice(0, 12)}… (${line.length} characters)`).toBeLessThan(n <= 2_000 ? 1_000 : 5_000);
      times.push(Math.round(elapsed));
    }
    console.log(`markdown: ${n}-character hostile lines rendered in ${times.join(', ')} ms`);
  }, 120_000);
});
