import type { ChatNotice, Message } from '../../api';
import { h, replace } from '../../dom';
import { fmtDateTime, t } from '../../i18n';
import { renderMarkdown } from '../../markdown';
import { liveAttr, liveText, tx } from '../../scope';
import { signal, type Signal } from '@preact/signals-core';
import { durationText, notice } from '../../ui';
import { showSources } from '../sources';

/** One message on screen: its element, its body (text or markdown), its meta line, and the text shown. */
export interface Bubble {
  root: HTMLElement;
  body: HTMLElement;
  meta: HTMLElement;
  text: string;
  /** What the meta line says (its words follow the language): setMeta changes it. */
  metaState: Signal<{ role: string; createdAt?: string; mode?: string }>;
}

export type Role = 'user' | 'assistant';

export function bubble(role: Role, text: string, createdAt?: string, mode?: string): Bubble {
  const body = h('div', { class: role === 'assistant' ? 'msg-body md' : 'msg-body' });
  const metaState = signal<{ role: string; createdAt?: string; mode?: string }>({ role, createdAt, mode });
  const meta = h('p', { class: 'msg-meta' }, liveText(() => metaText(metaState.value)));
  const root = liveAttr(
    h(
      'article',
      { class: `msg msg-${role}`, 'data-role': role },
      role === 'assistant' ? h('span', { class: 'msg-avatar', 'aria-hidden': 'true' }, 'J') : null,
      h('div', { class: 'msg-content' }, body, meta),
    ),
    'aria-label',
    () => (role === 'assistant' ? t('chat.fromCoach') : t('chat.fromYou')),
  );
  const b: Bubble = { root, body, meta, text, metaState };
  setText(b, role, text);
  return b;
}

export function setText(b: Bubble, role: string, text: string): void {
  b.text = text;
  if (role === 'assistant') replace(b.body, renderMarkdown(text, { topHeadingLevel: 3 }));
  else b.body.textContent = text;
}

function metaText({ role, createdAt, mode }: { role: string; createdAt?: string; mode?: string }): string {
  const parts: string[] = [];
  // Offline answers are assembled from JIMP's playbooks, not generated: they are labelled as such (not "AI-generated").
  if (role === 'assistant') parts.push(mode === 'offline' ? t('chat.automaticAnswer') : t('chat.aiGenerated'));
  if (createdAt) parts.push(fmtDateTime(createdAt));
  return parts.join(' · ');
}

export function setMeta(b: Bubble, role: string, createdAt?: string, mode?: string): void {
  b.metaState.value = { role, createdAt, mode };
}

export function showTyping(b: Bubble): void {
  replace(b.body, h('span', { class: 'typing', role: 'status' }, h('span', { class: 'visually-hidden' }, tx('chat.thinking')), h('span', { class: 'dot' }), h('span', { class: 'dot' }), h('span', { class: 'dot' })));
}

/** Marks the bubble failed with a message (in the language of the moment), and a retry button when the question is known. */
export function failure(b: Bubble, userMessageId: string | null, text: () => string, retry: (userMessageId: string, into: Bubble) => void): void {
  b.root.classList.add('msg-failed');
  const box = h('div', { class: 'msg-error', role: 'alert' }, h('p', null, liveText(text)));
  if (userMessageId) {
    const button = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'retry' }, tx('chat.retry'));
    button.addEventListener('click', () => {
      box.remove();
      b.root.classList.remove('msg-failed');
      retry(userMessageId, b);
    });
    box.appendChild(button);
  }
  b.body.after(box);
}

/** Why an answer came from the playbooks although a model is configured (the day's AI allowance, a busy model). */
export function answerNotice(n: ChatNotice | null | undefined): HTMLElement | null {
  if (!n || typeof n !== 'object') return null;
  const box =
    n.code === 'budget-used'
      ? notice('info', liveText(() => t('chat.tokensUsed', { when: n.resetsAt ? fmtDateTime(n.resetsAt) : '' })))
      : n.code === 'model-busy'
        ? notice('info', liveText(() => t('chat.modelBusy', { wait: durationText(n.retryAfter ?? undefined) })))
        : null;
  box?.setAttribute('data-testid', 'answer-notice');
  return box;
}

/** Where stored messages go: appended at the end, or inserted before an element (older pages). */
export interface HistoryTarget {
  add: (b: Bubble) => void;
  insertBefore: (b: Bubble, before: Element) => void;
  showOffline: (mode: string | undefined) => void;
  retry: (userMessageId: string, into: Bubble) => void;
}

/** Renders stored messages (a page of the conversation), with their sources, notices and failures. */
export function renderHistory(items: Message[], target: HistoryTarget, before: Element | null = null): void {
  const place = (b: Bubble): void => {
    if (before) target.insertBefore(b, before);
    else target.add(b);
  };
  items.forEach((m, index) => {
    const b = bubble(m.role === 'user' ? 'user' : 'assistant', m.text, m.createdAt, m.mode ?? undefined);
    place(b);
    if (m.role === 'assistant') {
      target.showOffline(m.mode ?? undefined);
      showSources(b.root, b.meta, m.sources);
      if (m.status === 'content-filtered') b.body.after(notice('warning', tx('chat.filtered')));
      if (m.status === 'failed') {
        const previous = items.slice(0, index).reverse().find((x) => x.role === 'user');
        failure(b, previous?.id ?? null, () => t('chat.failed'), target.retry);
      }
    } else if (m.status === 'failed' || (!before && index === items.length - 1 && m.role === 'user')) {
      // A question left without an answer: offer to ask again.
      const answer = bubble('assistant', '');
      place(answer);
      failure(answer, m.id, () => t('chat.failed'), target.retry);
    }
  });
}
