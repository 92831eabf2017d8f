import { ApiError, get, type Playbook, type PlaybookList, type PlaybookText } from '../api';
import { h, replace } from '../dom';
import { lang, t, tryT, type Key } from '../i18n';
import type { ViewContext } from '../router';
import { liveAttr, liveRegion, liveText, tx } from '../scope';
import { errorText, notice, pageHeader, spinner } from '../ui';

/** A topic's label in the interface language (the playbooks' topics are fixed ids). */
export function topicLabel(topic: string): string {
  return tryT(`knowledge.topic.${topic}`) ?? topic;
}

const inLanguage = <T>(p: { fr: T; en: T }): T => (lang() === 'en' ? p.en : p.fr);

/** The knowledge base: JIMP's playbooks by topic (#/knowledge), or one playbook (#/knowledge/{id}), the chat's citations open here. */
export async function renderKnowledge({ main, route, isStale }: ViewContext): Promise<void> {
  // Every text is live (tx, liveText, liveAttr; a playbook's parts are live regions, each language has its own
  // lists): a language switch changes them in place, keeping the scroll position and the playbook loaded.
  replace(main, spinner(tx('common.loading')));
  try {
    if (route.id) {
      const playbook = await get<Playbook>(`/api/knowledge/${encodeURIComponent(route.id)}`);
      if (isStale()) return;
      replace(main, article(playbook));
    } else {
      const list = await get<PlaybookList>('/api/knowledge');
      if (isStale()) return;
      replace(main, index(list));
    }
  } catch (error) {
    if (isStale()) return;
    const missing = error instanceof ApiError && error.status === 404 && !error.isMissingEndpoint;
    replace(main, pageHeader(tx('knowledge.title')), notice('error', liveText(() => (missing ? t('knowledge.notFound') : errorText(error)))), h('a', { class: 'btn btn-secondary btn-small', href: '#/knowledge' }, tx('knowledge.all')));
  }
  main.querySelector('h1')?.focus();
}

/** A playbook's text in the language of the moment, as a live text. */
const textOf = (p: { fr: Pick<PlaybookText, 'title' | 'summary'>; en: Pick<PlaybookText, 'title' | 'summary'> }, part: 'title' | 'summary'): Text => liveText(() => inLanguage(p)[part]);
const topic = (id: string): Text => liveText(() => topicLabel(id));

function index(list: PlaybookList): HTMLElement {
  const topics = [...new Set(list.items.map((p) => p.topic))];
  return h(
    'div',
    { class: 'knowledge', 'data-testid': 'knowledge-index' },
    pageHeader(tx('knowledge.title'), tx('knowledge.lead')),
    liveAttr(h('nav', { class: 'knowledge-topics' }, h('ul', { class: 'chips' }, topics.map((id) => h('li', null, h('a', { class: 'chip', href: `#knowledge-${id}` }, topic(id)))))), 'aria-label', () => t('knowledge.topics')),
    topics.map((id) =>
      h(
        'section',
        { class: 'card', id: `knowledge-${id}`, 'aria-labelledby': `knowledge-h-${id}` },
        h('h2', { id: `knowledge-h-${id}` }, topic(id)),
        h(
          'ul',
          { class: 'playbook-list' },
          list.items
            .filter((p) => p.topic === id)
            .map((p) => h('li', null, h('a', { href: `#/knowledge/${encodeURIComponent(p.id)}`, 'data-testid': 'playbook-link' }, textOf(p, 'title')), h('p', { class: 'muted small' }, textOf(p, 'summary')))),
        ),
      ),
    ),
  );
}

function article(playbook: Playbook): HTMLElement {
  const text = (): PlaybookText => inLanguage<PlaybookText>(playbook);
  const list = (items: string[], ordered = false): HTMLElement | null => (items.length ? h(ordered ? 'ol' : 'ul', null, items.map((i) => h('li', null, i))) : null);
  /** A part of the playbook, built again in each language (its lists differ); hidden when that language has none. */
  const part = (titleKey: Key, content: () => Node | null): HTMLElement => {
    const section = h('section', { class: 'playbook-part' });
    return liveRegion(section, () => {
      const body = content();
      section.hidden = !body;
      return body ? [h('h2', null, t(titleKey)), body] : null;
    });
  };
  const paragraph = (value: string | null | undefined, className?: string): HTMLElement | null => (value ? h('p', className ? { class: className } : null, value) : null);
  return h(
    'article',
    { class: 'knowledge playbook', 'data-testid': 'playbook', 'data-playbook-id': playbook.id },
    h('p', { class: 'muted small' }, h('a', { href: '#/knowledge' }, tx('knowledge.all')), ' · ', topic(playbook.topic)),
    pageHeader(textOf(playbook, 'title'), textOf(playbook, 'summary')),
    part('knowledge.steps', () => list(text().steps, true)),
    part('knowledge.examples', () => list(text().examples)),
    part('knowledge.tips', () => list(text().tips)),
    part('knowledge.script', () => paragraph(text().script, 'playbook-script')),
    part('knowledge.beginner', () => paragraph(text().beginner)),
    part('knowledge.advanced', () => paragraph(text().advanced)),
    h('p', { class: 'muted small' }, tx('knowledge.origin')),
  );
}
