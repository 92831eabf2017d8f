import { ApiError, get, type Playbook, type PlaybookList, type PlaybookText } from '../api';
import { h, replace } from '../dom';
import { lang, t, tryT } from '../i18n';
import type { ViewContext } from '../router';
import { errorText, notice, pageHeader, spinner } from '../ui';

/** A topic's label in the interface language (the playbooks' topics are fixed ids). */
export function topicLabel(topic: string): string {
  return tryT(`knowledge.topic.${topic}`) ?? topic;
}

const inLanguage = (p: { fr: PlaybookText; en: PlaybookText }): PlaybookText => (lang() === 'en' ? p.en : p.fr);

/** The knowledge base: JIMP's playbooks by topic (#/knowledge), or one playbook (#/knowledge/{id}), the chat's citations open here. */
export async function renderKnowledge({ main, route, isStale }: ViewContext): Promise<void> {
  replace(main, spinner(t('common.loading')));
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
    replace(main, pageHeader(t('knowledge.title')), notice('error', missing ? t('knowledge.notFound') : errorText(error)), h('a', { class: 'btn btn-secondary btn-small', href: '#/knowledge' }, t('knowledge.all')));
  }
  main.querySelector('h1')?.focus();
}

function index(list: PlaybookList): HTMLElement {
  const topics = [...new Set(list.items.map((p) => p.topic))];
  return h(
    'div',
    { class: 'knowledge', 'data-testid': 'knowledge-index' },
    pageHeader(t('knowledge.title'), t('knowledge.lead')),
    h('nav', { class: 'knowledge-topics', 'aria-label': t('knowledge.topics') }, h('ul', { class: 'chips' }, topics.map((topic) => h('li', null, h('a', { class: 'chip', href: `#knowledge-${topic}` }, topicLabel(topic)))))),
    topics.map((topic) =>
      h(
        'section',
        { class: 'card', id: `knowledge-${topic}`, 'aria-labelledby': `knowledge-h-${topic}` },
        h('h2', { id: `knowledge-h-${topic}` }, topicLabel(topic)),
        h(
          'ul',
          { class: 'playbook-list' },
          list.items
            .filter((p) => p.topic === topic)
            .map((p) => {
              const text = lang() === 'en' ? p.en : p.fr;
              return h('li', null, h('a', { href: `#/knowledge/${encodeURIComponent(p.id)}`, 'data-testid': 'playbook-link' }, text.title), h('p', { class: 'muted small' }, text.summary));
            }),
        ),
      ),
    ),
  );
}

function article(playbook: Playbook): HTMLElement {
  const text = inLanguage(playbook);
  const list = (items: string[], ordered = false): HTMLElement | null => (items.length ? h(ordered ? 'ol' : 'ul', null, items.map((i) => h('li', null, i))) : null);
  const part = (titleKey: Parameters<typeof t>[0], ...content: (Node | null)[]): HTMLElement | null =>
    content.some(Boolean) ? h('section', { class: 'playbook-part' }, h('h2', null, t(titleKey)), content) : null;
  return h(
    'article',
    { class: 'knowledge playbook', 'data-testid': 'playbook', 'data-playbook-id': playbook.id },
    h('p', { class: 'muted small' }, h('a', { href: '#/knowledge' }, t('knowledge.all')), ' · ', topicLabel(playbook.topic)),
    pageHeader(text.title, text.summary),
    part('knowledge.steps', list(text.steps, true)),
    part('knowledge.examples', list(text.examples)),
    part('knowledge.tips', list(text.tips)),
    part('knowledge.script', text.script ? h('p', { class: 'playbook-script' }, text.script) : null),
    part('knowledge.beginner', text.beginner ? h('p', null, text.beginner) : null),
    part('knowledge.advanced', text.advanced ? h('p', null, text.advanced) : null),
    h('p', { class: 'muted small' }, t('knowledge.origin')),
  );
}
