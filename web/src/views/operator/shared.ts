// What the console's cards share: the generated records, labels, the card and table frames, a form's error
// handling, inputs and the bar chart.
import { ApiError } from '../../api';
import type { components } from '../../api-types';
import { h, uid } from '../../dom';
import { t, tryT, type Key } from '../../i18n';
import type { ViewContext } from '../../router';
import { said, type Said } from '../../scope';
import { errorText, showFieldErrors, statusSlot } from '../../ui';

// The console's records, generated from docs/openapi.json (web/src/api-types.ts): never redeclared here.
export type Schemas = components['schemas'];

/** What every card needs from the view: whether the console is still on screen. */
export type Console = Pick<ViewContext, 'isStale'>;
export type RequestRow = Schemas['ConsoleRequestRow'];
export type PolicyRow = Schemas['PolicyVersionView'];
export type MailingProgress = Schemas['MailingProgress'];
export type MailingStarted = Schemas['MailingStarted'];
export type InsightWeek = Schemas['InsightWeekResult'];
export type BreachView = Schemas['BreachView'];

export const KINDS = ['access', 'erasure', 'rectification', 'restriction', 'objection', 'consent-withdrawal'];

export const FIELD_KEYS: Record<string, Key> = {
  email: 'op.err.email',
  kind: 'op.err.kind',
  receivedOn: 'op.err.receivedOn',
  confirm: 'op.err.confirm',
  outcome: 'op.err.outcome',
  reason: 'op.err.reason',
  until: 'op.err.until',
  delayReason: 'op.err.delayReason',
  art34Reason: 'op.err.art34Reason',
  detectedAt: 'op.err.future',
  cnilNotifiedAt: 'op.err.future',
  peopleInformedAt: 'op.err.future',
};

/** Server field errors in the interface language (the server's own words when a field has no translation). */
export const translateField = (name: string, messages: string[]): string => (FIELD_KEYS[name] ? t(FIELD_KEYS[name]) : messages.join(' '));

export const kindLabel = (type: string): string => tryT(`op.kind.${type}`) ?? type;
export const statusLabel = (status: string): string => tryT(`op.status.${status}`) ?? status;
export const today = (): string => new Date().toISOString().slice(0, 10);

/** A card of the console; a title given as a function (`() => t(...)`) follows the language. */
export function card(title: Said, id: string, ...children: (Node | null | false)[]): HTMLElement {
  const titleId = uid('sec');
  return h('section', { class: 'card stack', id, 'aria-labelledby': titleId, 'data-testid': id }, h('h2', { id: titleId, tabindex: '-1' }, said(title)), children);
}

/** A table of the console; a caption or header given as a function follows the language. */
export function table(caption: Said, headers: Said[], rows: HTMLElement[], testId: string): HTMLElement {
  return h(
    'div',
    { class: 'md-table' },
    h('table', { class: 'console-table', 'data-testid': testId }, h('caption', { class: 'visually-hidden' }, said(caption)), h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, said(x))))), h('tbody', null, rows)),
  );
}

/** Handles a failed call of a form: field errors next to their fields, anything else in the form's status line. */
export function showError(form: HTMLElement, status: ReturnType<typeof statusSlot>, error: unknown): void {
  if (error instanceof ApiError && error.status === 400 && Object.keys(error.fieldErrors).length > 0) {
    const first = showFieldErrors(form, error.fieldErrors, translateField);
    const unmatched = Object.keys(error.fieldErrors).filter((name) => !form.querySelector(`[data-field="${name}"]`));
    if (unmatched.length > 0) status.show('error', () => unmatched.map((name) => translateField(name, error.fieldErrors[name] ?? [])).join(' '));
    else status.hide();
    first?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    return;
  }
  status.show('error', () => errorText(error));
}

export function input(name: string, type: string, testId: string, extra: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', { name, type, 'data-testid': testId, id: uid(name), ...extra });
}

export const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** A horizontal bar chart (SVG, no inline style); the table beside it carries the same numbers for screen readers. */
export function bars(title: string, items: { label: string; value: number }[]): Element {
  const width = 480;
  const row = 26;
  const labelWidth = 180;
  const max = Math.max(1, ...items.map((i) => i.value));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(row, items.length * row)}`, class: 'chart', role: 'img', 'aria-label': t('op.chartLabel', { title }) });
  items.forEach((item, index) => {
    const y = index * row;
    const w = Math.max(2, Math.round(((width - labelWidth - 50) * item.value) / max));
    chart.appendChild(svg('text', { x: 0, y: y + 17, class: 'chart-label' }, item.label.length > 26 ? `${item.label.slice(0, 25)}…` : item.label));
    chart.appendChild(svg('rect', { x: labelWidth, y: y + 5, width: w, height: 16, rx: 3, class: 'chart-bar' }));
    chart.appendChild(svg('text', { x: labelWidth + w + 6, y: y + 17, class: 'chart-value' }, String(item.value)));
  });
  return chart;
}