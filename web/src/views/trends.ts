import { get, type TrendItem, type TrendQuery, type Trends } from '../api';
import { h, replace } from '../dom';
import { fmtDate, fmtNumber, optionLabel, t, type Key } from '../i18n';
import type { ViewContext } from '../router';
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

export async function renderTrends({ main, isStale }: ViewContext): Promise<void> {
  replace(main, spinner(t('common.loading')));
  const [profile, options] = await Promise.all([loadProfile().catch(() => null), loadOptions().catch(() => null)]);
  if (isStale()) return;
  const niches = profile?.niches ?? [];
  const country = profile?.country ?? 'FR';
  const nicheLabel = (id: string): string => {
    const o = options?.niches.find((n) => n.id === id);
    return o ? optionLabel(o) : id;
  };
  const countryLabel = options?.countries.find((c) => c.id === country);

  const nicheSelect = h('select', { id: 'trend-niche', 'data-testid': 'trend-niche' }, niches.map((id) => h('option', { value: id }, nicheLabel(id))));
  const kindSelect = h(
    'select',
    { id: 'trend-kind', 'data-testid': 'trend-kind' },
    h('option', { value: '' }, t('trends.kindAll')),
    KINDS.map((kind) => h('option', { value: kind }, t(KIND_KEYS[kind]))),
  );
  const results = h('div', { class: 'trend-results', 'aria-live': 'polite', 'data-testid': 'trend-results' });
  const filters = h(
    'div',
    { class: 'card filters' },
    h('div', { class: 'field' }, h('label', { for: 'trend-niche' }, t('trends.niche')), nicheSelect),
    h('div', { class: 'field' }, h('label', { for: 'trend-kind' }, t('trends.kind')), kindSelect),
    h('p', { class: 'muted small filter-country' }, t('trends.country', { country: countryLabel ? optionLabel(countryLabel) : country })),
  );
  replace(main, h('div', { class: 'wide' }, pageHeader(t('trends.title'), t('trends.lead')), niches.length > 0 ? filters : notice('info', t('trends.noProfile'), ' ', h('a', { href: '#/onboarding' }, t('chat.noProfileLink'))), results));

  const load = async (): Promise<void> => {
    replace(results, spinner(t('common.loading')));
    const wanted: TrendQuery = { country };
    if (nicheSelect.value) wanted.niche = nicheSelect.value;
    if (isKind(kindSelect.value)) wanted.kind = kindSelect.value;
    const query = new URLSearchParams(Object.entries(wanted).filter((e): e is [string, string] => typeof e[1] === 'string'));
    try {
      const trends = await get<Trends>(`/api/trends?${query.toString()}`);
      if (isStale()) return;
      showTrends(results, trends);
    } catch (error) {
      replace(results, notice('error', errorText(error)));
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
export function showTrends(results: HTMLElement, trends: Trends, now: Date = new Date()): void {
  if (trends.items.length === 0 && !trends.configured) {
    replace(results, h('div', { class: 'card empty-state', 'data-testid': 'trends-unconfigured' }, h('h2', null, t('trends.unconfiguredTitle')), h('p', null, t('trends.unconfiguredBody'))));
    return;
  }
  if (trends.items.length === 0) {
    replace(results, h('div', { class: 'card empty-state' }, h('h2', null, t('trends.emptyTitle')), h('p', null, t('trends.emptyBody'))));
    return;
  }
  const groups = new Map<string, TrendItem[]>();
  for (const item of trends.items) groups.set(item.kind, [...(groups.get(item.kind) ?? []), item]);
  const latestItem = [...trends.items].sort((a, b) => a.fetchedAt.localeCompare(b.fetchedAt)).at(-1);
  const latest = latestItem?.fetchedAt;
  const newestDate = trends.items.map((i) => i.date).sort().at(-1) ?? '';
  const ageDays = (now.getTime() - Date.parse(newestDate)) / 86_400_000;
  const stale = ageDays > STALE_AFTER_DAYS ? notice('warning', t('trends.stale', { date: fmtDate(newestDate) })) : null;
  stale?.setAttribute('data-testid', 'trends-stale');
  replace(
    results,
    stale,
    h('p', { class: 'source muted small', 'data-testid': 'trend-source' }, t('trends.source', { source: latestItem?.source || 'TikTok Creative Center' }), latest ? ` · ${t('trends.updated', { date: fmtDate(latest) })}` : ''),
    h(
      'div',
      { class: 'trend-grid' },
      [...groups.entries()].map(([kind, items]) =>
        h(
          'section',
          { class: 'card trend-card' },
          h('h2', null, isKind(kind) ? t(KIND_KEYS[kind]) : kind),
          h('p', { class: 'muted small card-sub' }, t('trends.period', { n: items[0]?.periodDays ?? 7 }), ' · ', t('trends.asOf', { date: fmtDate(items[0]?.date ?? '') })),
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
                  item.metric != null ? h('span', { class: 'trend-meta' }, t('trends.metric', { n: fmtNumber(item.metric) })) : null,
                ),
              ),
          ),
        ),
      ),
    ),
  );
}
