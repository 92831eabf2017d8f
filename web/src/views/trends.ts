import { get, type Option, type TrendItem, type TrendQuery, type Trends } from '../api';
import { h, replace } from '../dom';
import { fmtDate, fmtNumber, optionLabel, t, type Key } from '../i18n';
import type { ViewContext } from '../router';
import { fill, liveText, tx, type Scope } from '../scope';
import { loadOptions, loadProfile } from '../state';
import { errorText, notice, pageHeader, spinner } from '../ui';

type Kind = NonNullable<TrendQuery['kind']>;

/** The kinds the API knows (docs/openapi.json): the filter sends exactly these. */
const KIND_KEYS: Record<Kind, Key> = {
  hashtags: 'trends.kindHashtag',
  keywords: 'trends.kindKeyword',
  products: 'trends.kindProduct',
  songs: 'trends.kindSong',
};
export const KINDS = Object.keys(KIND_KEYS) as Kind[];
const isKind = (value: string): value is Kind => (KINDS as string[]).includes(value);

export async function renderTrends({ main, isStale, scope }: ViewContext): Promise<void> {
  // Every text is live (tx, liveText, the results filled through scope.fill): a language switch changes them in
  // place and keeps the filters chosen and the trends loaded (no new request).
  replace(main, spinner(tx('common.loading')));
  const [profile, options] = await Promise.all([loadProfile().catch(() => null), loadOptions().catch(() => null)]);
  if (isStale()) return;
  const niches = profile?.niches ?? [];
  const country = profile?.country ?? 'FR';
  /** An option's label in the language of the moment (its id when the options did not load). */
  const label = (list: Option[] | undefined, id: string): (() => string) => {
    const o = list?.find((n) => n.id === id);
    return () => (o ? optionLabel(o) : id);
  };

  const nicheSelect = h('select', { id: 'trend-niche', 'data-testid': 'trend-niche' }, niches.map((id) => h('option', { value: id }, liveText(label(options?.niches, id)))));
  const kindSelect = h(
    'select',
    { id: 'trend-kind', 'data-testid': 'trend-kind' },
    h('option', { value: '' }, tx('trends.kindAll')),
    KINDS.map((kind) => h('option', { value: kind }, tx(KIND_KEYS[kind]))),
  );
  const results = h('div', { class: 'trend-results', 'aria-live': 'polite', 'data-testid': 'trend-results' });
  const countryName = label(options?.countries, country);
  const filters = h(
    'div',
    { class: 'card filters' },
    h('div', { class: 'field' }, h('label', { for: 'trend-niche' }, tx('trends.niche')), nicheSelect),
    h('div', { class: 'field' }, h('label', { for: 'trend-kind' }, tx('trends.kind')), kindSelect),
    h('p', { class: 'muted small filter-country' }, liveText(() => t('trends.country', { country: countryName() }))),
  );
  replace(main, h('div', { class: 'wide' }, pageHeader(tx('trends.title'), tx('trends.lead')), niches.length > 0 ? filters : notice('info', tx('trends.noProfile'), ' ', h('a', { href: '#/onboarding' }, tx('chat.noProfileLink'))), results));

  const load = async (): Promise<void> => {
    fill(results, () => spinner(tx('common.loading')), scope);
    const wanted: TrendQuery = { country };
    if (nicheSelect.value) wanted.niche = nicheSelect.value;
    if (isKind(kindSelect.value)) wanted.kind = kindSelect.value;
    const query = new URLSearchParams(Object.entries(wanted).filter((e): e is [string, string] => typeof e[1] === 'string'));
    try {
      const trends = await get<Trends>(`/api/trends?${query.toString()}`);
      if (isStale()) return;
      showTrends(results, trends, new Date(), scope);
    } catch (error) {
      if (!isStale()) fill(results, () => notice('error', liveText(() => errorText(error))), scope);
    }
  };
  nicheSelect.addEventListener('change', () => void load());
  kindSelect.addEventListener('change', () => void load());
  await load();
}

/** Trends older than this are still shown, with a warning. */
const STALE_AFTER_DAYS = 7;

/**
 * The stored trends, with their source and date, whatever the server's configuration: trends imported with
 * scripts/import-trends.sh show although no Creative Center endpoint is configured (the coach uses them too).
 */
export function showTrends(results: HTMLElement, trends: Trends, now: Date = new Date(), scope?: Scope): void {
  fill(results, () => trendsShown(trends, now), scope);
}

/** What showTrends shows: every text live (its dates and numbers too, formatted in the language of the moment). */
function trendsShown(trends: Trends, now: Date): Node | Node[] {
  if (trends.items.length === 0 && !trends.configured) {
    return h('div', { class: 'card empty-state', 'data-testid': 'trends-unconfigured' }, h('h2', null, tx('trends.unconfiguredTitle')), h('p', null, tx('trends.unconfiguredBody')));
  }
  if (trends.items.length === 0) {
    return h('div', { class: 'card empty-state' }, h('h2', null, tx('trends.emptyTitle')), h('p', null, tx('trends.emptyBody')));
  }
  const groups = new Map<string, TrendItem[]>();
  for (const item of trends.items) groups.set(item.kind, [...(groups.get(item.kind) ?? []), item]);
  const latestItem = [...trends.items].sort((a, b) => a.fetchedAt.localeCompare(b.fetchedAt)).at(-1);
  const latest = latestItem?.fetchedAt;
  const newestDate = trends.items.map((i) => i.date).sort().at(-1) ?? '';
  const ageDays = (now.getTime() - Date.parse(newestDate)) / 86_400_000;
  const stale = ageDays > STALE_AFTER_DAYS ? notice('warning', liveText(() => t('trends.stale', { date: fmtDate(newestDate) }))) : null;
  stale?.setAttribute('data-testid', 'trends-stale');
  const source = latestItem?.source || 'TikTok Creative Center';
  return [
    ...(stale ? [stale] : []),
    h('p', { class: 'source muted small', 'data-testid': 'trend-source' }, tx('trends.source', { source }), latest ? liveText(() => ` · ${t('trends.updated', { date: fmtDate(latest) })}`) : ''),
    h(
      'div',
      { class: 'trend-grid' },
      [...groups.entries()].map(([kind, items]) =>
        h(
          'section',
          { class: 'card trend-card' },
          h('h2', null, isKind(kind) ? tx(KIND_KEYS[kind]) : kind),
          h('p', { class: 'muted small card-sub' }, tx('trends.period', { n: items[0]?.periodDays ?? 7 }), ' · ', liveText(() => t('trends.asOf', { date: fmtDate(items[0]?.date ?? '') }))),
          h(
            'ol',
            { class: 'trend-list' },
            items
              .sort((a, b) => a.rank - b.rank)
              .map((item) =>
                h(
                  'li',
                  null,
                  h('span', { class: 'rank', 'aria-hidden': 'true' }, String(item.rank)),
                  h('span', { class: 'trend-name' }, item.name),
                  item.metric != null ? h('span', { class: 'trend-meta' }, liveText(() => t('trends.metric', { n: fmtNumber(item.metric ?? 0) }))) : null,
                ),
              ),
          ),
        ),
      ),
    ),
  ];
}
