/**
 * The creator's workspace (#/workspace): products, videos (CSV import or form), the insights with their charts
 * and the rules of thumb they trigger, and the weekly plan (tick off, download as .ics).
 */
import { ApiError, del, get, post, put, type CreatorInsights, type CsvRowError, type ImportResult, type WeeklyPlan, type WorkspaceCategory, type WorkspaceOptions, type WorkspaceProducts } from '../api';
import { timeChart } from '../charts';
import { h, replace } from '../dom';
import { fmtDate, lang, t, type Key } from '../i18n';
import type { ViewContext } from '../router';
import { fill, liveAttr, liveRegion, liveText, tx } from '../scope';
import { errorText, field, notice, pageHeader, section, showFieldErrors, spinner } from '../ui';
import { signal } from '@preact/signals-core';

type Category = WorkspaceCategory;
type Results = CreatorInsights;
type Plan = WeeklyPlan;

const label = (c: Category | undefined): string => (c ? (lang() === 'en' ? c.en : c.fr) : '');
/** A table's wrapper that scrolls sideways on a narrow screen: focusable and named, so a keyboard can scroll it (WCAG 2.1.1). */
const scrollRegion = (name: Key, table: HTMLElement): HTMLElement => liveAttr(h('div', { class: 'table-wrap', tabindex: '0', role: 'region' }, table), 'aria-label', () => t(name));
/** A table's header row: a column per key ('' for a column without a title). */
const headRow = (keys: (Key | '')[]): HTMLElement => h('thead', null, h('tr', null, keys.map((k) => h('th', { scope: 'col' }, k ? tx(k) : ''))));
/** A product status in the language of the moment. */
const statusText = (status: string): Text => tx(`ws.status.${status}` as Key);
const pct = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : `${n} %`);
/** Says `error` in `slot`, in the language of the moment. */
const showError = (slot: HTMLElement, error: unknown): void => fill(slot, () => notice('error', liveText(() => errorText(error))));

export async function renderWorkspace({ main, isStale }: ViewContext): Promise<void> {
  // Every text is live (tx, liveText, liveAttr, slots filled through scope.fill); the results (their charts draw
  // their labels) are a live region built again from the numbers loaded. A language switch keeps what was typed in
  // the product form, the file chosen, the ticks of the plan and the scroll position, and asks the server nothing.
  replace(main, spinner(tx('common.loading')));
  let options: WorkspaceOptions;
  try {
    options = await get<WorkspaceOptions>('/api/workspace/options');
  } catch (error) {
    showError(main, error);
    return;
  }
  if (isStale()) return;
  const products = h('div', { 'data-testid': 'ws-products' });
  const insights = signal<{ results: Results } | { error: unknown } | null>(null);
  const results = liveRegion(h('div', { 'data-testid': 'ws-results', 'aria-live': 'polite' }), () => {
    const shown = insights.value;
    if (shown === null) return null;
    return 'error' in shown ? notice('error', errorText(shown.error)) : resultsShown(shown.results, options);
  });
  const plan = h('div', { 'data-testid': 'ws-plan' });
  const loadResults = async (): Promise<void> => {
    insights.value = await get<Results>('/api/me/results').then((r) => ({ results: r }), (error: unknown) => ({ error }));
  };
  const refresh = async (): Promise<void> => {
    await Promise.all([showProducts(products, options, refresh), loadResults(), showPlan(plan, options, false)]);
  };
  replace(
    main,
    h(
      'div',
      { class: 'wide' },
      pageHeader(tx('ws.title'), tx('ws.lead')),
      privacyNotice(),
      section('ws.productsTitle', products),
      section('ws.importTitle', importForm(options, refresh)),
      section('ws.resultsTitle', results),
      section('ws.planTitle', plan),
    ),
  );
  await refresh();
}

/**
 * What happens to the numbers entered here, said where they are collected (GDPR art. 13, layered notice): the
 * policy version that describes the workspace may not be in force yet, so the page itself informs before anything is
 * entered. The same facts as the policy's sections 2 and 3 (2.1.0) and the registry (#19).
 */
function privacyNotice(): HTMLElement {
  const notice = section('ws.privacyTitle', h('p', {}, tx('ws.privacy1')), h('p', {}, tx('ws.privacy2')), h('p', {}, tx('ws.privacy3')), h('p', {}, h('a', { href: '#/policy' }, tx('ws.privacyLink'))));
  notice.setAttribute('data-testid', 'ws-privacy');
  return notice;
}

async function showProducts(slot: HTMLElement, options: WorkspaceOptions, refresh: () => Promise<void>): Promise<void> {
  let list: WorkspaceProducts;
  try {
    list = await get<WorkspaceProducts>('/api/me/products');
  } catch (error) {
    showError(slot, error);
    return;
  }
  fill(slot, () => productsShown(list, options, refresh));
}

/** The products' table and the form that adds one (built again after each change: the form starts empty). */
function productsShown(list: WorkspaceProducts, options: WorkspaceOptions, refresh: () => Promise<void>): Node[] {
  const name = h('input', { name: 'name', required: true, maxlength: 120, autocomplete: 'off', 'data-testid': 'product-name' });
  const price = h('input', { name: 'priceEur', type: 'number', min: 0, step: '0.01', inputmode: 'decimal', 'data-testid': 'product-price' });
  const commission = h('input', { name: 'commissionPercent', type: 'number', min: 0, max: 100, step: '0.1', inputmode: 'decimal', 'data-testid': 'product-commission' });
  const shop = h('input', { name: 'shopUrl', type: 'url', placeholder: 'https://shop.tiktok.com/…', 'data-testid': 'product-url' });
  const status = h('select', { name: 'status', 'data-testid': 'product-status' }, options.statuses.map((s) => h('option', { value: s }, statusText(s))));
  const message = h('div', { role: 'status' });
  const form = h(
    'form',
    { class: 'ws-form', novalidate: true, 'data-testid': 'product-form' },
    field(tx('ws.productName'), name, { name: 'name' }),
    field(tx('ws.price'), price, { name: 'priceEur' }),
    field(tx('ws.commission'), commission, { name: 'commissionPercent' }),
    field(tx('ws.shopUrl'), shop, { name: 'shopUrl', hint: tx('ws.shopUrlHint') }),
    field(tx('ws.status'), status, { name: 'status' }),
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'product-add' }, tx('ws.addProduct')),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const num = (el: HTMLInputElement): number | null => (el.value === '' ? null : Number(el.value));
    void (async () => {
      try {
        await post('/api/me/products', { name: name.value, priceEur: num(price), commissionPercent: num(commission), shopUrl: shop.value || null, status: status.value });
        await refresh();
      } catch (error) {
        if (error instanceof ApiError && error.status === 400) showFieldErrors(form, error.fieldErrors);
        else showError(message, error);
      }
    })();
  });
  const rows = list.items.map((p) =>
    h(
      'tr',
      { 'data-testid': 'product-row' },
      h('th', { scope: 'row' }, p.name),
      h('td', null, statusText(p.status)),
      h('td', null, p.priceEur ?? '—'),
      h('td', null, pct(p.commissionPercent)),
      h('td', { 'data-testid': 'product-earning' }, p.earningPerSaleEur === null || p.earningPerSaleEur === undefined ? '—' : `${p.earningPerSaleEur} €`),
      h('td', null, p.trendingInNiche.length > 0 ? p.trendingInNiche.slice(0, 3).join(', ') : '—'),
      h('td', null, h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => void del(`/api/me/products/${p.id}`).then(refresh) }, tx('common.delete'), h('span', { class: 'visually-hidden' }, ` ${p.name}`))),
    ),
  );
  return [
    list.items.length === 0
      ? h('p', { class: 'muted' }, tx('ws.noProducts'))
      : scrollRegion('ws.productsTitle', h('table', { class: 'ws-table' }, headRow(['ws.productName', 'ws.status', 'ws.price', 'ws.commission', 'ws.earning', 'ws.trending', '']), h('tbody', null, rows))),
    form,
  ];
}

function importForm(options: WorkspaceOptions, refresh: () => Promise<void>): HTMLElement {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'csv-file' });
  const outcome = h('div', { 'aria-live': 'polite', 'data-testid': 'csv-outcome' });
  const form = h(
    'form',
    { class: 'ws-form', 'data-testid': 'csv-form' },
    h('p', null, tx('ws.importLead', { max: options.maxVideos })),
    h('p', null, liveAttr(h('a', { download: '', 'data-testid': 'csv-template' }, tx('ws.template')), 'href', () => `/api/workspace/template.csv?lang=${lang()}`)),
    h('p', { class: 'muted small' }, tx('ws.tiktokStudio')),
    field(tx('ws.csvFile'), file),
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'csv-import' }, tx('ws.import')),
    outcome,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      fill(outcome, () => notice('error', tx('ws.chooseFile')));
      return;
    }
    void (async () => {
      fill(outcome, () => spinner(tx('common.loading')));
      try {
        const text = await chosen.text();
        const response = await fetch('/api/me/videos/import', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'text/csv', 'X-Requested-With': 'jimp', Accept: 'application/json' }, body: text, cache: 'no-store' });
        const body = (await response.json()) as Partial<ImportResult> & { detail?: string; rows?: CsvRowError[] };
        if (!response.ok) {
          // The server's own words (in the language of the request), the line numbers in the language of the moment.
          fill(outcome, () => [
            notice('error', body.detail ?? tx('error.server')),
            body.rows && body.rows.length > 0 ? h('ul', { class: 'csv-errors', 'data-testid': 'csv-errors' }, body.rows.map((r) => h('li', null, r.line > 0 ? tx('ws.line', { n: r.line }) : '', r.column ? ` (${r.column}) ` : ' ', r.message))) : null,
          ]);
          return;
        }
        fill(outcome, () => notice('success', tx('ws.imported', { n: body.imported ?? 0, added: body.added ?? 0 })));
        await refresh();
      } catch (error) {
        showError(outcome, error);
      }
    })();
  });
  return form;
}

/** The numbers of the results section, built in the language of the moment (the live region builds it again). */
function resultsShown(r: Results, options: WorkspaceOptions): Node | Node[] {
  if (r.analysed === 0) return h('p', { class: 'muted' }, t('ws.noResults'));
  const dates = r.points.map((p) => p.postedOn);
  return [
    h('p', { 'data-testid': 'ws-medians' }, t('ws.medians', { n: r.analysed, retention: pct(r.medians.retentionPercent), ctr: pct(r.medians.clickThroughPercent), conversion: pct(r.medians.conversionPercent) })),
    timeChart(t('ws.chartRetention'), dates, [{ label: t('ws.retention'), values: r.points.map((p) => p.retentionPercent ?? null), color: '#6d28d9' }], 'chart-retention'),
    timeChart(t('ws.chartCtr'), dates, [
      { label: t('ws.ctr'), values: r.points.map((p) => p.clickThroughPercent ?? null), color: '#0f766e' },
      { label: t('ws.conversion'), values: r.points.map((p) => p.conversionPercent ?? null), color: '#b45309' },
    ], 'chart-ctr'),
    h('h3', null, t('ws.byHook')),
    scrollRegion('ws.byHook', h('table', { class: 'ws-table', 'data-testid': 'hook-table' },
      headRow(['ws.hookStyle', 'ws.videos', 'ws.retention', 'ws.vsMedian', 'ws.ctr']),
      h('tbody', null, r.hookStyles.map((s) => h('tr', null, h('th', { scope: 'row' }, label(options.hookStyles.find((o) => o.id === s.hookStyle)) || s.label), h('td', null, s.videos), h('td', null, pct(s.retentionPercent)), h('td', null, s.retentionVsMedian === null || s.retentionVsMedian === undefined ? '—' : `${s.retentionVsMedian > 0 ? '+' : ''}${s.retentionVsMedian} %`), h('td', null, pct(s.clickThroughPercent))))))),
    h('h3', null, t('ws.findings')),
    h('ul', { class: 'findings', 'data-testid': 'findings' }, r.findings.map((f) => h('li', { class: `finding finding-${f.tone}` }, f.text, ' ', h('span', { class: 'muted small' }, `[${f.playbookId}]`)))),
  ];
}

async function showPlan(slot: HTMLElement, options: WorkspaceOptions, propose: boolean): Promise<void> {
  let plan: Plan | null = null;
  try {
    plan = propose ? await post<Plan>('/api/me/plan') : await get<Plan>('/api/me/plan');
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'no-plan')) {
      showError(slot, error);
      return;
    }
  }
  const proposeButton = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'plan-propose', onclick: () => void showPlan(slot, options, true) }, plan ? tx('ws.planAgain') : tx('ws.planPropose'));
  if (!plan) {
    fill(slot, () => [h('p', { class: 'muted' }, tx('ws.noPlan')), proposeButton]);
    return;
  }
  const current = plan;
  fill(slot, () => [
    h('p', null, tx('ws.planWeek', { week: current.week })),
    h('ul', { class: 'plan-items', 'data-testid': 'plan-items' }, current.items.map((item) => {
      const box = h('input', { type: 'checkbox', id: `plan-${item.index}`, checked: item.done, 'data-testid': 'plan-tick' });
      box.addEventListener('change', () => void put(`/api/me/plan/${current.week}/items/${item.index}`, { done: box.checked }).catch(() => { box.checked = !box.checked; }));
      return h('li', { class: 'plan-item' }, box, h('label', { for: `plan-${item.index}` }, h('strong', null, liveText(() => fmtDate(item.date))), ' — ', item.idea, item.trend ? liveText(() => ` ${t('ws.trendToTry', { trend: item.trend ?? '' })}`) : ''));
    })),
    h('p', null, h('a', { class: 'btn btn-secondary', href: `/api/me/plan/${current.week}/calendar`, download: `jimp-${current.week}.ics`, 'data-testid': 'plan-ics' }, tx('ws.planIcs')), ' ', proposeButton),
  ]);
}
