/**
 * A deliberately small Markdown renderer for model answers and the privacy policy. It builds DOM nodes with
 * document.createElement and text nodes only — never innerHTML — so any HTML in the source (a model can be
 * made to write `<script>` or `<img onerror>`) stays visible, inert text.
 *
 * Blocks: ATX headings, paragraphs, bullet and numbered lists (one level of nesting by indentation),
 * fenced code, block quotes, tables, horizontal rules. Inline: code, bold, italic, links — http(s) only,
 * opened in a new tab with rel="noopener noreferrer"; any other link is rendered as its text.
 */

export interface MarkdownOptions {
  /** Heading levels are shifted so that `#` becomes this level (default 2: the page owns the h1). */
  topHeadingLevel?: number;
}

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)\s*$/;
/** The opening of an ATX heading; the rest of the line is trimmed by {@link headingText}, in linear time. */
const HEADING_OPEN = /^\s{0,3}(#{1,6})\s/;
const HR = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const SEPARATOR_CELL = /^:?-+:?$/;
/** Quotes and lists nest this deep at most; deeper markers are text (a line of 2,000 `>` is not 2,000 quotes). */
const MAX_NESTING = 8;

/** A table's separator row (`| --- | :-: |`), checked cell by cell: one pattern for the row backtracks quadratically. */
function isTableSeparator(line: string): boolean {
  let row = line.trim();
  if (!row.includes('-')) return false;
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|')) row = row.slice(0, -1);
  return row.split('|').every((cell) => SEPARATOR_CELL.test(cell.trim()));
}

export function renderMarkdown(source: string, options: MarkdownOptions = {}): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  renderBlocks(lines, fragment, options.topHeadingLevel ?? 2);
  return fragment;
}

function renderBlocks(lines: string[], parent: Node, topLevel: number, depth = 0): void {
  let i = 0;
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) {
      const p = document.createElement('p');
      renderInlineLines(paragraph, p);
      parent.appendChild(p);
      paragraph = [];
    }
  };

  while (i < lines.length) {
    const line = lines[i] ?? '';

    if (line.trim() === '') {
      flush();
      i += 1;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(marker)) {
        body.push(lines[i] ?? '');
        i += 1;
      }
      i += 1; // the closing fence (or the end)
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      code.textContent = body.join('\n');
      pre.appendChild(code);
      parent.appendChild(pre);
      continue;
    }

    const heading = HEADING_OPEN.exec(line);
    if (heading) {
      flush();
      const level = Math.min(6, (heading[1] ?? '#').length - 1 + topLevel);
      const el = document.createElement(`h${level}`);
      renderInline(headingText(line.slice(heading[0].length)), el);
      parent.appendChild(el);
      i += 1;
      continue;
    }

    if (HR.test(line) && paragraph.length === 0) {
      parent.appendChild(document.createElement('hr'));
      i += 1;
      continue;
    }

    if (depth < MAX_NESTING && QUOTE.test(line)) {
      flush();
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? '')) {
        body.push(QUOTE.exec(lines[i] ?? '')?.[1] ?? '');
        i += 1;
      }
      const quote = document.createElement('blockquote');
      renderBlocks(body, quote, topLevel, depth + 1);
      parent.appendChild(quote);
      continue;
    }

    if (line.includes('|') && isTableSeparator(lines[i + 1] ?? '')) {
      flush();
      const header = splitRow(line);
      const aligns = splitRow(lines[i + 1] ?? '').map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : ''));
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] ?? '').includes('|') && (lines[i] ?? '').trim() !== '') {
        rows.push(splitRow(lines[i] ?? ''));
        i += 1;
      }
      parent.appendChild(buildTable(header, rows, aligns));
      continue;
    }

    if (depth < MAX_NESTING && (BULLET.test(line) || ORDERED.test(line))) {
      flush();
      i = renderList(lines, i, parent, topLevel, depth);
      continue;
    }

    paragraph.push(line);
    i += 1;
  }
  flush();
}

function renderList(lines: string[], start: number, parent: Node, topLevel: number, depth: number): number {
  const first = lines[start] ?? '';
  const ordered = !BULLET.test(first);
  const baseIndent = ((ordered ? ORDERED : BULLET).exec(first)?.[1] ?? '').length;
  const list = document.createElement(ordered ? 'ol' : 'ul');
  if (ordered) {
    const n = Number(ORDERED.exec(first)?.[2] ?? '1');
    if (n !== 1) list.setAttribute('start', String(n));
  }
  let i = start;
  let item: { el: HTMLLIElement; text: string[]; children: string[] } | null = null;
  const closeItem = (): void => {
    if (!item) return;
    renderInlineLines(item.text, item.el);
    if (item.children.length > 0) renderBlocks(item.children, item.el, topLevel, depth + 1);
    list.appendChild(item.el);
    item = null;
  };
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const match = (ordered ? ORDERED : BULLET).exec(line);
    const indent = line.length - line.trimStart().length;
    if (match && indent <= baseIndent + 1) {
      closeItem();
      item = { el: document.createElement('li'), text: [(ordered ? match[3] : match[2]) ?? ''], children: [] };
      i += 1;
      continue;
    }
    if (line.trim() === '') {
      // A blank line ends the list unless the next line continues it (an indented line or another item).
      const next = lines[i + 1] ?? '';
      const nextIndent = next.length - next.trimStart().length;
      const nextIsItem = (ordered ? ORDERED : BULLET).test(next) && nextIndent <= baseIndent + 1;
      if (!nextIsItem && nextIndent <= baseIndent) break;
      i += 1;
      continue;
    }
    if (!item) break;
    if (indent > baseIndent) {
      // Nested list or continuation text belongs to the current item.
      if (item.children.length > 0 || BULLET.test(line) || ORDERED.test(line)) item.children.push(line.slice(Math.min(indent, baseIndent + 2)));
      else item.text.push(line.trim());
      i += 1;
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) break; // a list of the other kind starts
    item.text.push(line.trim()); // lazy continuation
    i += 1;
  }
  closeItem();
  parent.appendChild(list);
  return i;
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i += 1) {
    const c = row[i];
    if (c === '\\' && row[i + 1] === '|') {
      current += '|';
      i += 1;
    } else if (c === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  cells.push(current.trim());
  return cells;
}

function buildTable(header: string[], rows: string[][], aligns: string[]): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = 'md-table';
  // A table wider than the screen scrolls sideways: keyboard users reach that scroll by focusing it.
  wrap.tabIndex = 0;
  const table = document.createElement('table');
  if (header.some((c) => c !== '')) {
    const thead = document.createElement('thead');
    const tr = document.createElement('tr');
    header.forEach((cell, index) => {
      const th = document.createElement('th');
      th.setAttribute('scope', 'col');
      if (aligns[index]) th.className = `align-${aligns[index]}`;
      renderInline(cell, th);
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead);
  }
  const tbody = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    const width = Math.max(header.length, 1);
    for (let index = 0; index < width; index += 1) {
      const td = document.createElement('td');
      if (aligns[index]) td.className = `align-${aligns[index]}`;
      renderInline(row[index] ?? '', td);
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  wrap.appendChild(table);
  return wrap;
}

function renderInlineLines(lines: string[], parent: Node): void {
  lines.forEach((line, index) => {
    // Two trailing spaces or a backslash make a hard line break; otherwise lines join with a space.
    // (String tests, not /( {2,}|\\)$/: that pattern is quadratic on a long run of spaces.)
    const hard = line.endsWith('  ') || line.endsWith('\\');
    renderInline(hard ? (line.endsWith('\\') ? line.slice(0, -1) : line.trimEnd()) : line.trim(), parent);
    if (index < lines.length - 1) parent.appendChild(hard ? document.createElement('br') : document.createTextNode(' '));
  });
}

const ESCAPABLE = '\\`*_{}[]()#+-.!|>~<';

/** Inline Markdown to nodes: code spans, strong, emphasis, links. Everything else is text. */
export function renderInline(text: string, parent: Node): void {
  let buffer = '';
  const flushText = (): void => {
    if (buffer) {
      parent.appendChild(document.createTextNode(buffer));
      buffer = '';
    }
  };
  const lastParen = text.lastIndexOf(')');
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';

    if (c === '\\' && i + 1 < text.length && ESCAPABLE.includes(text[i + 1] ?? '')) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }

    if (c === '`') {
      let ticks = 1;
      while (text[i + ticks] === '`') ticks += 1;
      const fence = '`'.repeat(ticks);
      const close = text.indexOf(fence, i + ticks);
      if (close !== -1) {
        flushText();
        const code = document.createElement('code');
        code.textContent = text.slice(i + ticks, close).replace(/^ (.*) $/, '$1');
        parent.appendChild(code);
        i = close + ticks;
        continue;
      }
      // An unmatched run is text as a whole: retrying from each of its ticks is quadratic on a long run.
      buffer += fence;
      i += ticks;
      continue;
    }

    if ((c === '*' || c === '_') && text[i + 1] === c) {
      const delim = c + c;
      const close = findClosing(text, delim, i + 2);
      if (close !== -1 && text[i + 2] !== ' ' && text[i + 2] !== undefined) {
        flushText();
        const strong = document.createElement('strong');
        renderInline(text.slice(i + 2, close), strong);
        parent.appendChild(strong);
        i = close + 2;
        continue;
      }
    }

    if (c === '*' || c === '_') {
      // `_` inside a word (snake_case) is not emphasis.
      const wordBefore = i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1] ?? '');
      if (!(c === '_' && wordBefore) && text[i + 1] !== ' ' && text[i + 1] !== undefined) {
        const close = findClosing(text, c, i + 1);
        const wordAfter = /[\p{L}\p{N}]/u.test(text[close + 1] ?? '');
        if (close !== -1 && close > i + 1 && text[close - 1] !== ' ' && !(c === '_' && wordAfter)) {
          flushText();
          const em = document.createElement('em');
          renderInline(text.slice(i + 1, close), em);
          parent.appendChild(em);
          i = close + 1;
          continue;
        }
      }
    }

    if (c === '[') {
      const link = parseLink(text, i, lastParen);
      if (link) {
        flushText();
        const href = safeHref(link.href);
        if (href) {
          const a = document.createElement('a');
          a.href = href;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          renderInline(link.label, a);
          parent.appendChild(a);
        } else {
          const span = document.createElement('span');
          renderInline(link.label, span);
          parent.appendChild(span);
        }
        i = link.end;
        continue;
      }
    }

    buffer += c;
    i += 1;
  }
  flushText();
}

function findClosing(text: string, delim: string, from: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text[i] === '`') {
      const close = text.indexOf('`', i + 1);
      if (close !== -1) {
        i = close + 1;
        continue;
      }
    }
    if (text.startsWith(delim, i)) {
      // A single delimiter must not be half of a double one.
      if (delim.length === 1 && text[i + 1] === delim) {
        i += 2;
        continue;
      }
      return i;
    }
    i += 1;
  }
  return -1;
}

/** A link's label is at most this long: past it, `[` is text (a scan per `[` to the end of a long line is quadratic). */
const MAX_LINK_LABEL = 1_000;

function parseLink(text: string, start: number, lastParen: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let i = start;
  const end = Math.min(text.length, start + MAX_LINK_LABEL);
  for (; i < end; i += 1) {
    if (text[i] === '\\') {
      i += 1;
      continue;
    }
    if (text[i] === '[') depth += 1;
    if (text[i] === ']') {
      depth -= 1;
      if (depth === 0) break;
    }
  }
  if (depth !== 0 || text[i + 1] !== '(' || i + 2 > lastParen) return null;
  const close = text.indexOf(')', i + 2);
  if (close === -1) return null;
  const target = text.slice(i + 2, close).trim();
  const href = target.split(/\s+/)[0] ?? '';
  return { label: text.slice(start + 1, i), href: href.replace(/^<|>$/g, ''), end: close + 1 };
}

/** Only absolute http(s) URLs become links. */
export function safeHref(href: string): string | null {
  if (!/^https?:\/\//i.test(href)) return null;
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A heading's text without its closing run of `#` and the spaces around it. Written as string scans, not a
 * regular expression: `(.*?)\s*#*\s*$` backtracks cubically on a long line of spaces and `#`.
 */
function headingText(rest: string): string {
  let end = rest.trimEnd().length;
  while (end > 0 && rest[end - 1] === '#') end -= 1;
  return rest.slice(0, end).trim();
}
