import { ApiError, get, post, type Conversation, type Message } from '../api';
import { h, replace } from '../dom';
import { fmtDateTime, lang, t } from '../i18n';
import type { ViewContext } from '../router';
import { loadProfile, session } from '../state';
import { liveAttr, liveRegion, liveText, tx } from '../scope';
import { errorText, notice, waitText } from '../ui';
import { signal } from '@preact/signals-core';
import { composer as createComposer } from './chat/composer';
import { conversationList } from './chat/list';
import { bubble, failure, renderHistory, setMeta, showTyping, type Bubble, type HistoryTarget } from './chat/message';
import { answerStream } from './chat/stream';

/**
 * The coach chat: the conversation list (chat/list), the messages (chat/message), the composer (chat/composer) and
 * the streamed answer (chat/stream), put together here with what they share: the open conversation, whether a turn
 * is under way, the banner and the offline badge. Every text follows the language in place (live texts, scope.ts):
 * a switch keeps the messages on screen, an answer that is streaming, the older pages loaded and what is typed.
 */
export async function renderChat({ main, route, navigate, isStale }: ViewContext): Promise<void> {
  let conversationId = route.id ?? null;
  let busy = false;
  const restricted = session.user?.restricted === true;

  // ---- the frame: disclosure first, then the composer (disabled until everything above is in place) ----
  const disclosure = h(
    'div',
    { class: 'ai-disclosure', 'data-testid': 'ai-disclosure', role: 'note' },
    h('span', { class: 'ai-badge', 'aria-hidden': 'true' }, tx('chat.aiShort')),
    h('div', null, h('p', { class: 'ai-disclosure-title' }, tx('chat.aiTitle')), h('p', null, tx('chat.aiBody'))),
  );
  const badge = liveAttr(h('span', { class: 'badge badge-offline', 'data-testid': 'offline-badge', hidden: true }, tx('chat.offlineBadge')), 'title', () => t('chat.offlineHelp'));
  /** The heading: the conversation's title, or a text in the language of the moment. */
  const heading = signal<() => string>(() => t('chat.newTitle'));
  const title = h('h1', { class: 'chat-title', tabindex: '-1' }, liveText(() => heading.value()));
  const named = (text: string): void => {
    heading.value = () => text;
  };
  /** What the banner shows (a notice), built again in the language of the moment. */
  const bannerShows = signal<(() => Node) | null>(null);
  const banner = liveRegion(h('div', { class: 'chat-banner', 'aria-live': 'polite' }), () => bannerShows.value?.());
  const showBanner = (build: (() => Node) | null): void => {
    bannerShows.value = build;
  };
  const messages = liveAttr(h('div', { class: 'messages', 'data-testid': 'messages', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' }), 'aria-label', () => t('chat.messagesLabel'));
  const empty = h('div', { class: 'chat-empty' }, h('h2', null, tx('chat.emptyTitle')), h('p', { class: 'muted' }, tx('chat.emptyBody')));
  const composer = createComposer(() => void submitText());
  const { input } = composer;
  const list = conversationList({
    current: () => conversationId,
    currentRenamed: named,
    currentDeleted: () => navigate('#/chat'),
    failed: (error) => showBanner(() => notice('error', errorText(error))),
  });

  const root = h(
    'div',
    { class: 'chat-layout' },
    list.sidebar,
    h('section', { class: 'chat-main', 'aria-labelledby': 'chat-title' }, h('div', { class: 'chat-top' }, h('div', { class: 'chat-heading' }, title, badge), h('div', { class: 'chat-top-actions' }, list.toggle, liveAttr(h('a', { class: 'btn btn-primary btn-small', href: '#/chat', 'data-testid': 'new-conversation-top' }, '+'), 'aria-label', () => t('chat.newTitle')))), banner, disclosure, messages, composer.form),
  );
  title.id = 'chat-title';
  replace(main, root);

  const setEnabled = (enabled: boolean): void => composer.setEnabled(enabled && !restricted && !busy);
  const showOffline = (mode: string | undefined): void => {
    if (mode === 'offline') badge.hidden = false;
    else if (mode) badge.hidden = true;
  };
  const isNearBottom = (): boolean => window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
  const scrollToEnd = (force = false): void => {
    if (force || isNearBottom()) window.scrollTo(0, document.documentElement.scrollHeight);
  };
  const addBubble = (b: Bubble): void => {
    empty.remove();
    messages.appendChild(b.root);
  };
  const history: HistoryTarget = {
    add: addBubble,
    insertBefore: (b, before) => {
      empty.remove();
      messages.insertBefore(b.root, before);
    },
    showOffline,
    retry: (userMessageId, into) => void runTurn({ retryOf: userMessageId, into }),
  };

  /** Runs one turn (a new message or a retry) and streams the answer into an assistant bubble. */
  async function runTurn(turn: { text?: string; retryOf?: string; into?: Bubble }): Promise<void> {
    if (!conversationId) return;
    busy = true;
    root.dataset.chatLive = 'true';
    setEnabled(false);
    showBanner(null);
    const answer = turn.into ?? bubble('assistant', '');
    answer.root.dataset.streaming = 'true';
    showTyping(answer);
    setMeta(answer, 'assistant');
    if (!turn.into) addBubble(answer);
    scrollToEnd(true);
    const stream = answerStream(answer, turn.retryOf ?? null, {
      mode: showOffline,
      titled: (text) => {
        if (!conversationId) return;
        named(text);
        list.retitle(conversationId, text);
      },
      scroll: () => scrollToEnd(),
      retry: history.retry,
      notSaved: () => {
        // The question was not stored: its text goes back into an empty composer, to send again.
        if (turn.text && !input.value) {
          input.value = turn.text;
          input.dispatchEvent(new Event('input'));
        }
      },
    });
    try {
      const path = turn.retryOf
        ? `/api/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(turn.retryOf)}/retry`
        : `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
      await stream.run(path, turn.retryOf ? undefined : { text: turn.text });
    } catch (error) {
      replace(answer.body);
      if (error instanceof ApiError && error.status === 403 && error.code === 'restricted') {
        answer.root.remove();
        showRestricted();
      } else if (error instanceof ApiError && error.status === 429 && error.code === 'budget-used') {
        answer.root.remove();
        showBanner(() => {
          const box = notice('warning', t('chat.budgetUsed', { when: error.problem.resetsAt ? fmtDateTime(error.problem.resetsAt) : waitText(error.retryAfterSeconds) }));
          box.setAttribute('data-testid', 'budget-used');
          return box;
        });
      } else if (error instanceof ApiError && error.status === 429) {
        answer.root.remove();
        showBanner(() => notice('warning', waitText(error.retryAfterSeconds)));
      } else {
        failure(answer, stream.userMessageId, () => errorText(error), history.retry);
      }
    } finally {
      delete answer.root.dataset.streaming;
      delete root.dataset.chatLive;
      busy = false;
      setEnabled(true);
      if (!isStale() && document.activeElement === document.body) input.focus();
    }
  }

  async function submitText(): Promise<void> {
    const text = input.value.trim();
    if (!text || busy || input.disabled) return;
    if (!conversationId) {
      busy = true;
      setEnabled(false);
      try {
        // No title: the server names the conversation after its first message (the done event carries it).
        const created = await post<Conversation>('/api/conversations');
        conversationId = created.id;
        window.history.replaceState(null, '', `#/chat/${encodeURIComponent(created.id)}`);
        if (created.title) named(created.title);
        list.add(created);
      } catch (error) {
        showBanner(() => notice('error', errorText(error)));
        busy = false;
        setEnabled(true);
        return;
      }
      busy = false;
    }
    input.value = '';
    composer.autoSize();
    addBubble(bubble('user', text, new Date().toISOString()));
    await runTurn({ text });
  }

  /** No profile saved: the coach still answers (general advice; the profile is optional, policy §2), and says a niche makes it tailored. */
  function showNoProfile(): void {
    showBanner(() => h('div', { class: 'notice notice-info', role: 'status', 'data-testid': 'chat-no-profile' }, h('p', null, t('chat.noProfile')), h('a', { class: 'btn btn-primary btn-small', href: '#/onboarding' }, t('chat.noProfileLink'))));
  }

  function showRestricted(): void {
    showBanner(() => notice('warning', t('chat.restricted'), ' ', h('a', { href: '#/privacy' }, t('chat.restrictedLink'))));
    composer.lock();
  }

  // ---- load ----
  if (restricted) showRestricted();
  if (!conversationId) {
    messages.appendChild(empty);
    // Nothing else to wait for: the AI notice is on screen, so the input can be used now.
    setEnabled(true);
  }
  void get<{ model?: string }>('/api/health').then((health) => {
    if (typeof health?.model === 'string' && health.model.includes('offline') && messages.querySelectorAll('.msg').length === 0) badge.hidden = false;
  }).catch(() => undefined);
  void loadProfile()
    .then((profile) => {
      if (profile === null && !isStale()) showNoProfile();
    })
    .catch(() => undefined);

  const listLoad = get<{ items: Conversation[] }>('/api/conversations')
    .then((page) => list.set(page.items))
    .catch((error: unknown) => list.showError(() => errorText(error)));

  if (conversationId) {
    try {
      const page = await get<{ conversation: Conversation; messages: Message[]; next?: string | null }>(`/api/conversations/${encodeURIComponent(conversationId)}`);
      if (isStale()) return;
      const stored = page.conversation.title;
      heading.value = stored ? () => stored : () => t('chat.untitled');
      if (page.messages.length === 0) messages.appendChild(empty);
      renderHistory(page.messages, history);
      if (page.next) addOlderButton(page.next);
      setEnabled(true);
      scrollToEnd(true);
    } catch (error) {
      if (isStale()) return;
      if (error instanceof ApiError && error.status === 404 && !error.isMissingEndpoint) {
        showBanner(() => {
          const both = document.createDocumentFragment();
          both.append(notice('error', t('chat.notFound')), h('a', { class: 'btn btn-secondary btn-small', href: '#/chat' }, t('chat.new')));
          return both;
        });
      } else {
        showBanner(() => notice('error', errorText(error)));
      }
    }
  }
  await listLoad;

  /** The API pages backwards: `next` fetches the 50 messages before the ones shown. */
  function addOlderButton(cursor: string): void {
    const button = h('button', { type: 'button', class: 'btn btn-ghost btn-small older', 'data-testid': 'older-messages' }, tx('chat.older'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const id = encodeURIComponent(conversationId ?? '');
        const page = await get<{ messages: Message[]; next?: string | null }>(`/api/conversations/${id}?cursor=${encodeURIComponent(cursor)}`);
        const anchor = button.nextElementSibling;
        const height = document.documentElement.scrollHeight;
        button.remove();
        renderHistory(page.messages, history, anchor);
        window.scrollBy(0, document.documentElement.scrollHeight - height); // keep the reader's place
        if (page.next) addOlderButton(page.next);
      } catch (error) {
        button.disabled = false;
        showBanner(() => notice('error', errorText(error)));
      }
    });
    messages.prepend(button);
  }

  document.documentElement.lang = lang();
}
