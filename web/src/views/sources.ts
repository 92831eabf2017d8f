/**
 * What an answer cites, under its bubble (#14, #19): a playbook chip opens its sheet in the knowledge base
 * (#/knowledge/{id}), the creator's own numbers ("creator-data") open the workspace they come from, a trend opens
 * the trends page.
 */
import type { SourceRef } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { liveAttr, tx } from '../scope';

export const CREATOR_DATA = 'creator-data';

function chip(s: SourceRef): HTMLElement {
  if (s.type === CREATOR_DATA) {
    return h('a', { class: 'chip source-chip', href: '#/workspace', 'data-testid': 'source-creator-data', 'data-source-type': s.type }, tx('chat.sourceWorkspace'));
  }
  const href = s.type === 'playbook' && s.id ? `#/knowledge/${encodeURIComponent(s.id)}` : '#/trends';
  const label = s.title || (s.type === 'playbook' ? s.id : tx('chat.sourceTrend'));
  return h('a', { class: 'chip source-chip', href, 'data-testid': 'source-chip', 'data-source-type': s.type ?? '' }, label);
}

/** The chips of an answer's sources, or null when it cites nothing. */
export function sourceChips(sources: readonly SourceRef[] | null | undefined): HTMLElement | null {
  const cited = (sources ?? []).filter((s) => s && typeof s.type === 'string');
  if (cited.length === 0) return null;
  return liveAttr(h(
    'nav',
    { class: 'msg-sources', 'data-testid': 'sources' },
    h('span', { class: 'msg-sources-label' }, tx('chat.sourcesLabel')),
    h('ul', { class: 'chips' }, cited.map((s) => h('li', null, chip(s)))),
  ), 'aria-label', () => t('chat.sources'));
}

/** Puts the chips under a bubble's meta line, replacing those of an earlier attempt (a retry). */
export function showSources(root: HTMLElement, meta: HTMLElement, sources: readonly SourceRef[] | null | undefined): void {
  root.querySelector('.msg-sources')?.remove();
  const chips = sourceChips(sources);
  if (chips) meta.after(chips);
}
