/**
 * What an answer cites, under its bubble. For now only the creator's own numbers (source type
 * "creator-data", #19): a chip that opens the workspace they come from. The playbook chips and the knowledge
 * page belong to the coach's citation work (#14); they can take this chip over as it is.
 */
import type { SourceRef } from '../api';
import { h } from '../dom';
import { t } from '../i18n';

export const CREATOR_DATA = 'creator-data';

/** The chips of an answer's sources, or null when it cites nothing they show. */
export function sourceChips(sources: readonly SourceRef[] | null | undefined): HTMLElement | null {
  const own = (sources ?? []).filter((s) => s.type === CREATOR_DATA);
  if (own.length === 0) return null;
  return h(
    'p',
    { class: 'msg-sources' },
    h('span', { class: 'muted small' }, t('chat.sourcesLabel')),
    ' ',
    h('a', { class: 'chip source-chip', href: '#/workspace', 'data-testid': 'source-creator-data' }, t('chat.sourceWorkspace')),
  );
}

/** Puts the chips under a bubble's meta line, replacing those of an earlier attempt (a retry). */
export function showSources(root: HTMLElement, meta: HTMLElement, sources: readonly SourceRef[] | null | undefined): void {
  root.querySelector('.msg-sources')?.remove();
  const chips = sourceChips(sources);
  if (chips) meta.after(chips);
}
