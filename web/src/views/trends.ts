import { get, type TrendItem, type Trends } from '../api';
import { h, replace } from '../dom';
import { fmtDate, fmtNumber, optionLabel, t, type Key } from '../i18n';
import type { ViewContext } from '../main';
import { loadOptions, loadProfile } from '../state';
import { errorText, notice, pageHeader, spinner } from '../ui';

const KIND_KEYS: Record<string, Key> = {
  hashtag: 'trends.kindHashtag',
  hashtags: 'trends.kindHashtag',
  keyword: 'trends.kindKeyword',
  keywords: 'trends.kindKeyword',
  product: 'trends.kindProduct',
  products: 'trends.kindProduct',
  song: 'trends.kindSong',
  songs: 'trends.kindSong',
  creator: 'trends.kindCreator',
};

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
    h('option', { value: 'hashtag' }, t('trends.kindHashtag')),
    h('option', { value: 'keyword' }, t('trends.kindKeyword')),
    h('option', { value: 'product' }, t('trends.kindProduct')),
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
    const query = new URLSearchParams({ country });
    if (nicheSelect.value) query.set('niche', nicheSelect.value);
    if (kindSelect.value) query.set('kind', kindSelect.value);
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

function showTrends(results: HTMLElement, trends: Trends): void {
  if (!trends.configured) {
    replace(results, h('div', { class: 'card empty-state', 'data-testid': 'trends-unconfigured' }, h('h2', null, t('trends.unconfiguredTitle')), h('p', null, t('trends.unconfiguredBody'))));
    return;
  }
  if (trends.items.length === 0) {
    replace(results, h('div', { class: 'card empty-state' }, h('h2', null, t('trends.emptyTitle')), h('p', null, t('trends.emptyBody'))));
    return;
  }
  const groups = new Map<string, TrendItem[]>();
  for (const item of trends.items) groups.set(item.kind, [...(groups.get(item.kind) ?? []), item]);
  const latest = trends.items.map((i) => i.fetchedAt).sort().at(-1);
  replace(
    results,
    h('p', { class: 'source muted small', 'data-testid': 'trend-source' }, t('trends.source', { source: trends.source || 'TikTok Creative Center' }), latest ? ` · ${t('trends.updated', { date: fmtDate(latest) })}` : ''),
    h(
      'div',
      { class: 'trend-grid' },
      [...groups.entries()].map(([kind, items]) =>
        h(
          'section',
          { class: 'card trend-card' },
          h('h2', null, KIND_KEYS[kind] ? t(KIND_KEYS[kind]) : kind),
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
                  item.metric != null && item.metric !== '' ? h('span', { class: 'trend-meta' }, t('trends.metric', { n: typeof item.metric === 'number' ? fmtNumber(item.metric) : item.metric })) : null,
                ),
              ),
          ),
        ),
      ),
    ),
  );
}
