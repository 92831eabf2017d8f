import { ApiError, chatEvent, del, get, patch, post, postStream, type ChatNotice, type Conversation, type Message } from '../api';
import { h, replace } from '../dom';
import { fmtDateTime, fmtRelative, lang, t, type Key } from '../i18n';
import type { ViewContext } from '../router';
import { MESSAGE_MAX_LENGTH, TITLE_MAX_LENGTH } from '../limits';
import { renderMarkdown } from '../markdown';
import { loadProfile, session } from '../state';
import { confirmDialog, durationText, errorText, notice, waitText } from '../ui';
import { showSources } from './sources';
import type { SseEvent } from '../sse';

const MAX_LENGTH = MESSAGE_MAX_LENGTH;

interface QuickAction {
  key: Key;
  prompt: Key;
  /** Prefilled for the user to complete instead of sent at once. */
  prefill?: boolean;
  testId: string;
}

const QUICK_ACTIONS: QuickAction[] = [
  { key: 'chat.qaHooks', prompt: 'chat.qaHooksPrompt', testId: 'qa-hooks' },
  { key: 'chat.qaScript', prompt: 'chat.qaScriptPrompt', testId: 'qa-script' },
  { key: 'chat.qaPlan', prompt: 'chat.qaPlanPrompt', testId: 'qa-plan' },
  { key: 'chat.qaProduct', prompt: 'chat.qaProductPrompt', prefill: true, testId: 'qa-product' },
];

interface Bubble {
  root: HTMLElement;
  body: HTMLElement;
  meta: HTMLElement;
  text: string;
}

export async function renderChat({ main, route, navigate, isStale }: ViewContext): Promise<void> {
  let conversationId = route.id ?? null;
  let conversations: Conversation[] = [];
  let busy = false;
  const restricted = session.user?.restricted === true;

  // ---- the frame: disclosure first, then the composer (disabled until everything above is in place) ----
  const disclosure = h(
    'div',
    { class: 'ai-disclosure', 'data-testid': 'ai-disclosure', role: 'note' },
    h('span', { class: 'ai-badge', 'aria-hidden': 'true' }, t('chat.aiShort')),
    h('div', null, h('p', { class: 'ai-disclosure-title' }, t('chat.aiTitle')), h('p', null, t('chat.aiBody'))),
  );
  const badge = h('span', { class: 'badge badge-offline', 'data-testid': 'offline-badge', hidden: true, title: t('chat.offlineHelp') }, t('chat.offlineBadge'));
  const title = h('h1', { class: 'chat-title', tabindex: '-1' }, t('chat.newTitle'));
  const banner = h('div', { class: 'chat-banner', 'aria-live': 'polite' });
  const messages = h('div', { class: 'messages', 'data-testid': 'messages', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': t('chat.messagesLabel') });
  const empty = h('div', { class: 'chat-empty' }, h('h2', null, t('chat.emptyTitle')), h('p', { class: 'muted' }, t('chat.emptyBody')));

  const input = h('textarea', { id: 'chat-input', name: 'text', rows: '1', maxlength: String(MAX_LENGTH), disabled: true, 'data-testid': 'chat-input', placeholder: t('chat.placeholder'), 'aria-describedby': 'chat-sensitive chat-counter', enterkeyhint: 'send' });
  const send = h('button', { type: 'submit', class: 'btn btn-primary btn-send', disabled: true, 'data-testid': 'chat-send' }, h('span', { class: 'send-icon', 'aria-hidden': 'true' }), h('span', { class: 'visually-hidden' }, t('chat.send')));
  const counter = h('span', { class: 'counter', id: 'chat-counter', hidden: true });
  const quick = h(
    'div',
    { class: 'quick-actions', role: 'group', 'aria-label': t('chat.quickLabel') },
    QUICK_ACTIONS.map((qa) => {
      const button = h('button', { type: 'button', class: 'chip', 'data-testid': qa.testId, disabled: true }, t(qa.key));
      button.addEventListener('click', () => {
        input.value = t(qa.prompt);
        autoSize();
        if (qa.prefill) {
          input.focus();
          input.setSelectionRange(input.value.length, input.value.length);
        } else {
          void submitText();
        }
      });
      return button;
    }),
  );
  const composer = h(
    'form',
    { class: 'composer', 'data-testid': 'composer' },
    quick,
    h('label', { for: 'chat-input', class: 'visually-hidden' }, t('chat.inputLabel')),
    h('div', { class: 'composer-row' }, input, send),
    h('p', { class: 'sensitive', id: 'chat-sensitive' }, h('span', { class: 'lock', 'aria-hidden': 'true' }), t('chat.sensitive'), ' ', counter),
  );

  const listToggle = h('button', { type: 'button', class: 'btn btn-secondary btn-small list-toggle', 'aria-expanded': 'false', 'aria-controls': 'conversation-list', 'data-testid': 'conversations-toggle' }, t('chat.conversations'));
  const newButton = h('a', { class: 'btn btn-secondary btn-small', href: '#/chat', 'data-testid': 'new-conversation' }, t('chat.new'));
  const list = h('ul', { class: 'conv-list', 'data-testid': 'conversation-list' });
  const sidebar = h('aside', { class: 'chat-sidebar', id: 'conversation-list', 'aria-label': t('chat.conversations') }, h('div', { class: 'sidebar-head' }, h('h2', null, t('chat.conversations')), newButton), list);
  listToggle.addEventListener('click', () => {
    const open = listToggle.getAttribute('aria-expanded') !== 'true';
    listToggle.setAttribute('aria-expanded', String(open));
    sidebar.classList.toggle('open', open);
  });

  const root = h(
    'div',
    { class: 'chat-layout' },
    sidebar,
    h('section', { class: 'chat-main', 'aria-labelledby': 'chat-title' }, h('div', { class: 'chat-top' }, h('div', { class: 'chat-heading' }, title, badge), h('div', { class: 'chat-top-actions' }, listToggle, h('a', { class: 'btn btn-primary btn-small', href: '#/chat', 'data-testid': 'new-conversation-top', 'aria-label': t('chat.newTitle') }, '+'))), banner, disclosure, messages, composer),
  );
  title.id = 'chat-title';
  replace(main, root);

  const setEnabled = (enabled: boolean): void => {
    const on = enabled && !restricted && !busy;
    input.disabled = !on;
    send.disabled = !on;
    for (const b of Array.from(quick.querySelectorAll('button'))) b.disabled = !on;
  };
  const showOffline = (mode: string | undefined): void => {
    if (mode === 'offline') badge.hidden = false;
    else if (mode) badge.hidden = true;
  };
  const isNearBottom = (): boolean => window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
  const scrollToEnd = (force = false): void => {
    if (force || isNearBottom()) window.scrollTo(0, document.documentElement.scrollHeight);
  };
  function autoSize(): void {
    input.style.height = 'auto'; // CSSOM from script is allowed by the CSP; markup style attributes are not.
    input.style.height = `${Math.min(input.scrollHeight, 180)}px`;
    const n = input.value.length;
    counter.hidden = n < MAX_LENGTH - 400;
    counter.textContent = t('chat.counter', { n: MAX_LENGTH - n });
  }
  input.addEventListener('input', autoSize);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void submitText();
    }
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitText();
  });

  // ---- messages ----
  const bubble = (role: 'user' | 'assistant', text: string, createdAt?: string, mode?: string): Bubble => {
    const body = h('div', { class: role === 'assistant' ? 'msg-body md' : 'msg-body' });
    const meta = h('p', { class: 'msg-meta' });
    const root = h(
      'article',
      { class: `msg msg-${role}`, 'data-role': role, 'aria-label': role === 'assistant' ? t('chat.fromCoach') : t('chat.fromYou') },
      role === 'assistant' ? h('span', { class: 'msg-avatar', 'aria-hidden': 'true' }, 'J') : null,
      h('div', { class: 'msg-content' }, body, meta),
    );
    const b: Bubble = { root, body, meta, text };
    setText(b, role, text);
    setMeta(b, role, createdAt, mode);
    return b;
  };
  const setText = (b: Bubble, role: string, text: string): void => {
    b.text = text;
    if (role === 'assistant') replace(b.body, renderMarkdown(text, { topHeadingLevel: 3 }));
    else b.body.textContent = text;
  };
  const setMeta = (b: Bubble, role: string, createdAt?: string, mode?: string): void => {
    const parts: string[] = [];
    // Offline answers are assembled from JIMP's playbooks, not generated: they are labelled as such (not "AI-generated").
    if (role === 'assistant') parts.push(mode === 'offline' ? t('chat.automaticAnswer') : t('chat.aiGenerated'));
    if (createdAt) parts.push(fmtDateTime(createdAt));
    b.meta.textContent = parts.join(' · ');
  };
  const addBubble = (b: Bubble): void => {
    empty.remove();
    messages.appendChild(b.root);
  };

  const failure = (b: Bubble, userMessageId: string | null, text: string): void => {
    b.root.classList.add('msg-failed');
    const box = h('div', { class: 'msg-error', role: 'alert' }, h('p', null, text));
    if (userMessageId) {
      const retry = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'retry' }, t('chat.retry'));
      retry.addEventListener('click', () => {
        box.remove();
        b.root.classList.remove('msg-failed');
        void runTurn({ retryOf: userMessageId, into: b });
      });
      box.appendChild(retry);
    }
    b.body.after(box);
  };

  const showTyping = (b: Bubble): void => {
    replace(b.body, h('span', { class: 'typing', role: 'status' }, h('span', { class: 'visually-hidden' }, t('chat.thinking')), h('span', { class: 'dot' }), h('span', { class: 'dot' }), h('span', { class: 'dot' })));
  };

  /** Runs one turn (a new message or a retry) and streams the answer into an assistant bubble. */
  async function runTurn(turn: { text?: string; retryOf?: string; into?: Bubble }): Promise<void> {
    if (!conversationId) return;
    busy = true;
    root.dataset.chatLive = 'true';
    setEnabled(false);
    banner.textContent = '';
    const answer = turn.into ?? bubble('assistant', '');
    answer.root.dataset.streaming = 'true';
    showTyping(answer);
    setMeta(answer, 'assistant');
    if (!turn.into) addBubble(answer);
    scrollToEnd(true);
    let userMessageId: string | null = turn.retryOf ?? null;
    let text = '';
    let mode: string | undefined;
    let finished = false;
    let frame = 0;
    const paint = (): void => {
      frame = 0;
      setText(answer, 'assistant', text);
      scrollToEnd();
    };
    const onEvent = (sse: SseEvent): void => {
      const event = chatEvent(sse);
      if (!event) return;
      if (event.event === 'start') {
        const { data } = event;
        userMessageId = data.userMessageId ?? userMessageId;
        mode = data.mode;
        showOffline(mode);
      } else if (event.event === 'delta') {
        text += typeof event.data.text === 'string' ? event.data.text : '';
        frame ||= requestAnimationFrame(paint);
      } else if (event.event === 'reset') {
        // The answer starts again (the model failed mid-answer; the playbooks answer instead): drop what came.
        text = '';
        frame ||= requestAnimationFrame(paint);
      } else if (event.event === 'done') {
        const { data } = event;
        finished = true;
        mode = data.mode ?? mode;
        showOffline(mode);
        if (frame) cancelAnimationFrame(frame);
        paint();
        setMeta(answer, 'assistant', new Date().toISOString(), mode);
        showSources(answer.root, answer.meta, data.sources);
        if (data.outcome === 'content-filtered') answer.body.after(notice('warning', t('chat.filtered')));
        const why = answerNotice(data.notice);
        if (why) answer.body.after(why);
        if (typeof data.title === 'string' && data.title && conversationId) {
          const named = data.title;
          title.textContent = named;
          conversations = conversations.map((c) => (c.id === conversationId ? { ...c, title: named } : c));
          renderList();
        }
      } else if (event.event === 'error') {
        const { data } = event;
        finished = true;
        if (frame) cancelAnimationFrame(frame);
        if (text) paint();
        else replace(answer.body);
        failure(answer, userMessageId, data.code === 'model-busy' ? t('chat.modelBusyFailed', { wait: durationText(typeof data.retryAfter === 'number' ? data.retryAfter : undefined) }) : data.code === 'storage-unavailable' ? t('error.storageUnavailable') : data.code === 'turn-timeout' ? t('chat.timedOut') : t('chat.failed'));
      }
    };
    try {
      const path = turn.retryOf
        ? `/api/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(turn.retryOf)}/retry`
        : `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
      await postStream(path, turn.retryOf ? undefined : { text: turn.text }, onEvent);
      if (!finished) {
        if (text) paint();
        failure(answer, userMessageId, t('chat.interrupted'));
      }
    } catch (error) {
      replace(answer.body);
      if (error instanceof ApiError && error.status === 403 && error.code === 'restricted') {
        answer.root.remove();
        showRestricted();
      } else if (error instanceof ApiError && error.status === 429 && error.code === 'budget-used') {
        answer.root.remove();
        banner.replaceChildren(notice('warning', t('chat.budgetUsed', { when: error.problem.resetsAt ? fmtDateTime(error.problem.resetsAt) : waitText(error.retryAfterSeconds) })));
        banner.firstElementChild?.setAttribute('data-testid', 'budget-used');
      } else if (error instanceof ApiError && error.status === 429) {
        answer.root.remove();
        banner.replaceChildren(notice('warning', waitText(error.retryAfterSeconds)));
      } else {
        failure(answer, userMessageId, errorText(error));
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
        history.replaceState(null, '', `#/chat/${encodeURIComponent(created.id)}`);
        conversations = [created, ...conversations];
        title.textContent = created.title || t('chat.newTitle');
        renderList();
      } catch (error) {
        banner.replaceChildren(notice('error', errorText(error)));
        busy = false;
        setEnabled(true);
        return;
      }
      busy = false;
    }
    input.value = '';
    autoSize();
    addBubble(bubble('user', text, new Date().toISOString()));
    await runTurn({ text });
  }

  /** Why an answer came from the playbooks although a model is configured (the day's AI allowance, a busy model). */
  function answerNotice(n: ChatNotice | null | undefined): HTMLElement | null {
    if (!n || typeof n !== 'object') return null;
    const box =
      n.code === 'budget-used'
        ? notice('info', t('chat.tokensUsed', { when: n.resetsAt ? fmtDateTime(n.resetsAt) : '' }))
        : n.code === 'model-busy'
          ? notice('info', t('chat.modelBusy', { wait: durationText(n.retryAfter ?? undefined) }))
          : null;
    box?.setAttribute('data-testid', 'answer-notice');
    return box;
  }

  /** No profile saved: the coach still answers (general advice; the profile is optional, policy §2), and says a niche makes it tailored. */
  function showNoProfile(): void {
    banner.replaceChildren(
      h('div', { class: 'notice notice-info', role: 'status', 'data-testid': 'chat-no-profile' }, h('p', null, t('chat.noProfile')), h('a', { class: 'btn btn-primary btn-small', href: '#/onboarding' }, t('chat.noProfileLink'))),
    );
  }

  function showRestricted(): void {
    banner.replaceChildren(notice('warning', t('chat.restricted'), ' ', h('a', { href: '#/privacy' }, t('chat.restrictedLink'))));
    input.disabled = true;
    send.disabled = true;
  }

  // ---- the conversation list ----
  function renderList(): void {
    if (conversations.length === 0) {
      replace(list, h('li', { class: 'muted small empty-list' }, t('chat.noConversations')));
      return;
    }
    replace(
      list,
      conversations.map((c) => {
        const rename = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.renameLabel', { title: c.title }), 'data-testid': 'rename-conversation' }, h('span', { class: 'icon-edit', 'aria-hidden': 'true' }));
        const remove = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.deleteLabel', { title: c.title }), 'data-testid': 'delete-conversation' }, h('span', { class: 'icon-trash', 'aria-hidden': 'true' }));
        rename.addEventListener('click', () => void renameConversation(c));
        remove.addEventListener('click', () => void deleteConversation(c));
        return h(
          'li',
          { class: c.id === conversationId ? 'conv current' : 'conv' },
          h('a', { href: `#/chat/${encodeURIComponent(c.id)}`, 'aria-current': c.id === conversationId ? 'page' : null }, h('span', { class: 'conv-title' }, c.title || t('chat.untitled')), h('span', { class: 'conv-date' }, fmtRelative(c.updatedAt))),
          h('span', { class: 'conv-actions' }, rename, remove),
        );
      }),
    );
  }

  async function renameConversation(c: Conversation): Promise<void> {
    const field = h('input', { type: 'text', value: c.title, maxlength: String(TITLE_MAX_LENGTH), id: 'rename-input', 'data-testid': 'rename-input', required: true });
    const ok = await confirmDialog({ title: t('chat.renameTitle'), body: [h('label', { for: 'rename-input' }, t('chat.renameField')), field], confirmLabel: t('common.save'), canConfirm: () => field.value.trim().length > 0 });
    if (!ok) return;
    try {
      const updated = await patch<Conversation>(`/api/conversations/${encodeURIComponent(c.id)}`, { title: field.value.trim() });
      conversations = conversations.map((x) => (x.id === c.id ? updated : x));
      if (c.id === conversationId) title.textContent = updated.title;
      renderList();
    } catch (error) {
      banner.replaceChildren(notice('error', errorText(error)));
    }
  }

  async function deleteConversation(c: Conversation): Promise<void> {
    const ok = await confirmDialog({ title: t('chat.deleteTitle'), body: [h('p', null, t('chat.deleteBody', { title: c.title || t('chat.untitled') }))], confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await del(`/api/conversations/${encodeURIComponent(c.id)}`);
      conversations = conversations.filter((x) => x.id !== c.id);
      if (c.id === conversationId) navigate('#/chat');
      else renderList();
    } catch (error) {
      banner.replaceChildren(notice('error', errorText(error)));
    }
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
    .then((page) => {
      conversations = page.items;
      renderList();
    })
    .catch((error: unknown) => {
      replace(list, h('li', { class: 'muted small empty-list' }, errorText(error)));
    });

  if (conversationId) {
    try {
      const page = await get<{ conversation: Conversation; messages: Message[]; next?: string | null }>(`/api/conversations/${encodeURIComponent(conversationId)}`);
      if (isStale()) return;
      title.textContent = page.conversation.title || t('chat.untitled');
      if (page.messages.length === 0) messages.appendChild(empty);
      renderHistory(page.messages);
      if (page.next) addOlderButton(page.next);
      setEnabled(true);
      scrollToEnd(true);
    } catch (error) {
      if (isStale()) return;
      if (error instanceof ApiError && error.status === 404 && !error.isMissingEndpoint) {
        banner.replaceChildren(notice('error', t('chat.notFound')), h('a', { class: 'btn btn-secondary btn-small', href: '#/chat' }, t('chat.new')));
      } else {
        banner.replaceChildren(notice('error', errorText(error)));
      }
    }
  }
  await listLoad;

  /** The API pages backwards: `next` fetches the 50 messages before the ones shown. */
  function addOlderButton(cursor: string): void {
    const button = h('button', { type: 'button', class: 'btn btn-ghost btn-small older', 'data-testid': 'older-messages' }, t('chat.older'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const id = encodeURIComponent(conversationId ?? '');
        const page = await get<{ messages: Message[]; next?: string | null }>(`/api/conversations/${id}?cursor=${encodeURIComponent(cursor)}`);
        const anchor = button.nextElementSibling;
        const height = document.documentElement.scrollHeight;
        button.remove();
        renderHistory(page.messages, anchor);
        window.scrollBy(0, document.documentElement.scrollHeight - height); // keep the reader's place
        if (page.next) addOlderButton(page.next);
      } catch (error) {
        button.disabled = false;
        banner.replaceChildren(notice('error', errorText(error)));
      }
    });
    messages.prepend(button);
  }

  function renderHistory(items: Message[], before: Element | null = null): void {
    items.forEach((m, index) => {
      const b = bubble(m.role === 'user' ? 'user' : 'assistant', m.text, m.createdAt, m.mode ?? undefined);
      if (before) {
        empty.remove();
        messages.insertBefore(b.root, before);
      } else {
        addBubble(b);
      }
      if (m.role === 'assistant') {
        showOffline(m.mode ?? undefined);
        showSources(b.root, b.meta, m.sources);
        if (m.status === 'content-filtered') b.body.after(notice('warning', t('chat.filtered')));
        if (m.status === 'failed') {
          const previous = items.slice(0, index).reverse().find((x) => x.role === 'user');
          failure(b, previous?.id ?? null, t('chat.failed'));
        }
      } else if (m.status === 'failed' || (!before && index === items.length - 1 && m.role === 'user')) {
        // A question left without an answer: offer to ask again.
        const answer = bubble('assistant', '');
        if (before) messages.insertBefore(answer.root, before);
        else addBubble(answer);
        failure(answer, m.id, t('chat.failed'));
      }
    });
  }

  document.documentElement.lang = lang();
}
