// The weekly insights: people per niche and level, questions per topic (groups under 10 are not shown).
import { get } from '../../api';
import { h } from '../../dom';
import { lang, t } from '../../i18n';
import { fillLive, tx } from '../../scope';
import { loadOptions } from '../../state';
import { errorText, notice, spinner } from '../../ui';
import { bars, card, table, type InsightWeek, type Console } from './shared';

type Insights = { topics: string[]; weeks: InsightWeek[] };
type Options = Awaited<ReturnType<typeof loadOptions>>;

export function insightsCard({ isStale }: Console): { card: HTMLElement; load: () => Promise<void> } {
  const insights = h('div', { class: 'stack', 'data-testid': 'op-insights' }, spinner(tx('common.loading')));
  const loadInsights = async (): Promise<void> => {
    try {
      const [data, options] = await Promise.all([get<Insights>('/api/console/insights'), loadOptions()]);
      if (isStale()) return;
      // Built again in the other language on a switch: the charts and tables hold nothing typed.
      fillLive(insights, () => (data.weeks.length === 0 ? h('p', { class: 'muted' }, t('op.insightsNone')) : insightsView(data, options)));
    } catch (error) {
      if (!isStale()) fillLive(insights, () => notice('error', errorText(error)));
    }
  };

  return { card: card(() => t('op.insightsTitle'), 'op-insights-section', h('p', { class: 'muted small' }, tx('op.insightsBody')), insights), load: loadInsights };
}

function insightsView(data: Insights, options: Options): Node[] {
  // Niche and level ids shown as the owner reads them elsewhere (the profile's labels), in the console's language.
  const label = (list: { id: string; fr: string; en: string }[], id: string | null | undefined): string => {
    const option = list.find((o) => o.id === id);
    return option ? (lang() === 'en' ? option.en : option.fr) : (id ?? '');
  };
  const latest = data.weeks[data.weeks.length - 1]!;
  const nl = latest.groups.filter((g) => g.kind === 'niche-level');
  const nlRows = nl.map((g) => h('tr', null, h('td', null, label(options.niches, g.niche)), h('td', null, label(options.experience, g.level)), h('td', null, String(g.users))));
  if (latest.suppressedGroups > 0) nlRows.push(h('tr', null, h('td', { colspan: 2 }, t('op.suppressed', { n: latest.suppressedGroups })), h('td', null, t('op.lessThan10'))));
  const topicNames = Array.from(new Set(data.weeks.flatMap((w) => w.groups.filter((g) => g.kind === 'topic').map((g) => g.topic ?? ''))));
  const topicRows = data.weeks.map((w) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, w.week),
      topicNames.map((name) => {
        const g = w.groups.find((x) => x.kind === 'topic' && x.topic === name);
        return h('td', null, g ? String(g.questions) : t('op.lessThan10'));
      }),
    ),
  );
  return [
    h('h3', null, t('op.nicheLevel', { w: latest.week })),
    bars(t('op.nicheLevel', { w: latest.week }), nl.map((g) => ({ label: `${label(options.niches, g.niche)} · ${label(options.experience, g.level)}`, value: g.users }))),
    table(t('op.nicheLevel', { w: latest.week }), [t('op.col.niche'), t('op.col.level'), t('op.col.people')], nlRows, 'op-insights-niche'),
    h('h3', null, t('op.topics')),
    bars(t('op.topics'), topicNames.map((name) => ({ label: name, value: data.weeks.reduce((sum, w) => sum + (w.groups.find((x) => x.kind === 'topic' && x.topic === name)?.questions ?? 0), 0) }))),
    table(t('op.topics'), [t('op.col.week'), ...topicNames], topicRows, 'op-insights-topics'),
  ];
}
