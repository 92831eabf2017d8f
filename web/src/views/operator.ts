/**
 * The owner's console (#/operator): requests (also those received by e-mail), minors, policy and CGU versions
 * (announced 30 days ahead), marketing campaigns (to those who consent), insights, the breach register and the evidence pack. Operators only: the server answers 403 to anyone else.
 */
import { ApiError, get } from '../api';
import { h, replace } from '../dom';
import { lang, t, type Key } from '../i18n';
import { liveAttr, liveText, tx } from '../scope';
import type { ViewContext } from '../router';
import { errorText, notice, pageHeader, spinner } from '../ui';
import { breachesCard } from './operator/breaches';
import { campaignsCard } from './operator/campaigns';
import { emailedCard } from './operator/emailed';
import { insightsCard } from './operator/insights';
import { lookupCard } from './operator/lookup';
import { minorsCard } from './operator/minors';
import { requestsCard } from './operator/requests';
import { versionsCard } from './operator/versions';
import { card } from './operator/shared';

/** The console: one card per task (views/operator/*.ts), a table of contents, and a refresh of the live lists. */
export async function renderOperator({ main, navigate, isStale }: ViewContext): Promise<void> {
  // Every text of the console follows the language in place: a switch keeps what was typed and where one was.
  replace(main, h('div', { class: 'wide' }, pageHeader(tx('op.title')), spinner(tx('common.loading'))));
  let sessionHours = 8;
  try {
    sessionHours = (await get<{ operatorId: string; sessionHours: number }>('/api/console/session')).sessionHours;
  } catch (error) {
    if (isStale()) return;
    const text = (): string => (error instanceof ApiError && error.status === 403 ? t('op.forbidden') : error instanceof ApiError && error.status === 401 ? t('op.expired') : errorText(error));
    replace(main, h('div', { class: 'narrow' }, pageHeader(tx('op.title')), notice('error', liveText(text)), h('p', null, h('a', { href: '#/' }, tx('notFound.home')))));
    return;
  }
  if (isStale()) return;

  const ctx = { isStale };
  const requests = requestsCard(ctx);
  const emailed = emailedCard(requests.load);
  const lookup = lookupCard();
  const minors = minorsCard(requests.load);
  const policy = versionsCard(ctx, 'policy');
  const terms = versionsCard(ctx, 'terms');
  const campaigns = campaignsCard(ctx);
  const insights = insightsCard(ctx);
  const breaches = breachesCard(ctx);
  const loadPolicy = (): Promise<unknown> => Promise.all([policy.load(), terms.load()]);
  const loadRequests = requests.load;
  const loadCampaigns = campaigns.load;
  const loadBreaches = breaches.load;

  const sections: [string, Key][] = [
    ['op-requests', 'op.requestsTitle'],
    ['op-emailed', 'op.emailedTitle'],
    ['op-minors', 'op.minorsTitle'],
    ['op-policy-section', 'op.policyTitle'],
    ['op-terms-section', 'op.termsTitle'],
    ['op-campaigns', 'op.campaignsTitle'],
    ['op-insights-section', 'op.insightsTitle'],
    ['op-breaches-section', 'op.breachesTitle'],
    ['op-evidence', 'op.evidenceTitle'],
  ];
  const toc = liveAttr(h(
    'nav',
    { class: 'console-toc' },
    h('ul', { class: 'button-row' }, sections.map(([id, key]) => {
      const a = h('a', { href: `#/operator`, 'data-target': id }, tx(key));
      a.addEventListener('click', (event) => {
        event.preventDefault();
        const target = document.getElementById(id);
        target?.scrollIntoView();
        target?.querySelector<HTMLElement>('h2')?.focus();
      });
      return h('li', null, a);
    })),
  ), 'aria-label', () => t('op.sections'));
  const refresh = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'op-refresh' }, tx('op.refresh'));
  refresh.addEventListener('click', () => void Promise.all([loadRequests(), loadPolicy(), loadCampaigns(), loadBreaches()]));


  replace(
    main,
    liveAttr(h(
      'div',
      { class: 'wide console' },
      pageHeader(tx('op.title'), tx('op.lead')),
      h('p', { class: 'muted small' }, tx('op.sessionHours', { n: sessionHours }), ' ', refresh),
      toc,
      requests.card,
      emailed,
      lookup,
      minors,
      policy.card,
      terms.card,
      campaigns.card,
      insights.card,
      breaches.card,
      card(() => t('op.evidenceTitle'), 'op-evidence', h('p', null, tx('op.evidenceBody')), h('p', null, h('a', { class: 'btn btn-primary', href: '/api/console/evidence-pack', download: 'jimp-evidence.zip', 'data-testid': 'op-evidence-download' }, tx('op.evidenceButton')))),
    ), 'lang', lang),
  );
  void navigate; // the console stays on one page; links inside scroll to their section
  // The lists load after the view is in place: each shows its spinner, then its rows or its error.
  void Promise.all([requests.load(), loadPolicy(), campaigns.load(), insights.load(), breaches.load()]);
}
