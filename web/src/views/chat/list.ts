import { del, patch, type Conversation } from '../../api';
import { h } from '../../dom';
import { fmtRelative, t } from '../../i18n';
import { TITLE_MAX_LENGTH } from '../../limits';
import { liveAttr, liveRegion, tx } from '../../scope';
import { confirmDialog } from '../../ui';
import { signal } from '@preact/signals-core';

/** The conversation list (a sidebar, opened by a toggle on small screens), with rename and delete. */
export interface ConversationList {
  sidebar: HTMLElement;
  toggle: HTMLElement;
  /** Replaces the conversations shown. */
  set: (items: Conversation[]) => void;
  /** A new conversation, first in the list. */
  add: (c: Conversation) => void;
  /** The server named a conversation (after its first message). */
  retitle: (id: string, title: string) => void;
  /** The list could not be loaded: why, in the language of the moment. */
  showError: (text: () => string) => void;
}

export interface ListEvents {
  /** The conversation open in the chat, if any. */
  current: () => string | null;
  /** The open conversation was renamed. */
  currentRenamed: (title: string) => void;
  /** The open conversation was deleted. */
  currentDeleted: () => void;
  /** A rename or a delete failed. */
  failed: (error: unknown) => void;
}

export function conversationList(events: ListEvents): ConversationList {
  /** The conversations shown (null until loaded), or why they could not be loaded. */
  const shown = signal<{ items: Conversation[] } | { error: () => string } | null>(null);
  let conversations: Conversation[] = [];
  const toggle = h('button', { type: 'button', class: 'btn btn-secondary btn-small list-toggle', 'aria-expanded': 'false', 'aria-controls': 'conversation-list', 'data-testid': 'conversations-toggle' }, tx('chat.conversations'));
  const newButton = h('a', { class: 'btn btn-secondary btn-small', href: '#/chat', 'data-testid': 'new-conversation' }, tx('chat.new'));
  const list = h('ul', { class: 'conv-list', 'data-testid': 'conversation-list' });
  const sidebar = liveAttr(h('aside', { class: 'chat-sidebar', id: 'conversation-list' }, h('div', { class: 'sidebar-head' }, h('h2', null, tx('chat.conversations')), newButton), list), 'aria-label', () => t('chat.conversations'));
  // The rows follow the conversations and the language (their titles' labels, their relative dates).
  liveRegion(list, () => {
    const state = shown.value;
    if (state === null) return null;
    if ('error' in state) return h('li', { class: 'muted small empty-list' }, state.error());
    return rows();
  });
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    sidebar.classList.toggle('open', open);
  });

  function render(): void {
    shown.value = { items: conversations };
  }

  function rows(): HTMLElement | HTMLElement[] {
    if (conversations.length === 0) return h('li', { class: 'muted small empty-list' }, t('chat.noConversations'));
    const current = events.current();
    return conversations.map((c) => {
        const rename = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.renameLabel', { title: c.title }), 'data-testid': 'rename-conversation' }, h('span', { class: 'icon-edit', 'aria-hidden': 'true' }));
        const remove = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.deleteLabel', { title: c.title }), 'data-testid': 'delete-conversation' }, h('span', { class: 'icon-trash', 'aria-hidden': 'true' }));
        rename.addEventListener('click', () => void renameConversation(c));
        remove.addEventListener('click', () => void deleteConversation(c));
        return h(
          'li',
          { class: c.id === current ? 'conv current' : 'conv' },
          h('a', { href: `#/chat/${encodeURIComponent(c.id)}`, 'aria-current': c.id === current ? 'page' : null }, h('span', { class: 'conv-title' }, c.title || t('chat.untitled')), h('span', { class: 'conv-date' }, fmtRelative(c.updatedAt))),
          h('span', { class: 'conv-actions' }, rename, remove),
        );
      });
  }

  async function renameConversation(c: Conversation): Promise<void> {
    const field = h('input', { type: 'text', value: c.title, maxlength: String(TITLE_MAX_LENGTH), id: 'rename-input', 'data-testid': 'rename-input', required: true });
    const ok = await confirmDialog({ title: t('chat.renameTitle'), body: [h('label', { for: 'rename-input' }, t('chat.renameField')), field], confirmLabel: t('common.save'), canConfirm: () => field.value.trim().length > 0 });
    if (!ok) return;
    try {
      const updated = await patch<Conversation>(`/api/conversations/${encodeURIComponent(c.id)}`, { title: field.value.trim() });
      conversations = conversations.map((x) => (x.id === c.id ? updated : x));
      if (c.id === events.current()) events.currentRenamed(updated.title);
      render();
    } catch (error) {
      events.failed(error);
    }
  }

  async function deleteConversation(c: Conversation): Promise<void> {
    const ok = await confirmDialog({ title: t('chat.deleteTitle'), body: [h('p', null, t('chat.deleteBody', { title: c.title || t('chat.untitled') }))], confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await del(`/api/conversations/${encodeURIComponent(c.id)}`);
      conversations = conversations.filter((x) => x.id !== c.id);
      if (c.id === events.current()) events.currentDeleted();
      else render();
    } catch (error) {
      events.failed(error);
    }
  }

  return {
    sidebar,
    toggle,
    set: (items) => {
      conversations = items;
      render();
    },
    add: (c) => {
      conversations = [c, ...conversations];
      render();
    },
    retitle: (id, title) => {
      conversations = conversations.map((c) => (c.id === id ? { ...c, title } : c));
      render();
    },
    showError: (text) => {
      shown.value = { error: text };
    },
  };
}
