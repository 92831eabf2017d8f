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
});
