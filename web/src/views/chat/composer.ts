import { h } from '../../dom';
import { t, type Key } from '../../i18n';
import { MESSAGE_MAX_LENGTH } from '../../limits';
import { liveAttr, liveText, tx } from '../../scope';
import { signal } from '@preact/signals-core';

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

/** The message box, the send button, the quick actions and the sensitive-data reminder with its counter. */
export interface Composer {
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  /** Enables or disables the input, the send button and the quick actions together. */
  setEnabled: (on: boolean) => void;
  /** Disables the input and the send button (restriction), leaving the quick actions as they are. */
  lock: () => void;
  /** Fits the box to its text and updates the remaining-characters counter. */
  autoSize: () => void;
}

/** `submit` is called on Enter (without Shift), on the send button and on a quick action that sends. */
export function composer(submit: () => void): Composer {
  const input = liveAttr(h('textarea', { id: 'chat-input', name: 'text', rows: '1', maxlength: String(MAX_LENGTH), disabled: true, 'data-testid': 'chat-input', 'aria-describedby': 'chat-sensitive chat-counter', enterkeyhint: 'send' }), 'placeholder', () => t('chat.placeholder'));
  const send = h('button', { type: 'submit', class: 'btn btn-primary btn-send', disabled: true, 'data-testid': 'chat-send' }, h('span', { class: 'send-icon', 'aria-hidden': 'true' }), h('span', { class: 'visually-hidden' }, tx('chat.send')));
  const remaining = signal(MAX_LENGTH);
  const counter = h('span', { class: 'counter', id: 'chat-counter', hidden: true }, liveText(() => t('chat.counter', { n: remaining.value })));
  const autoSize = (): void => {
    input.style.height = 'auto'; // CSSOM from script is allowed by the CSP; markup style attributes are not.
    input.style.height = `${Math.min(input.scrollHeight, 180)}px`;
    const n = input.value.length;
    counter.hidden = n < MAX_LENGTH - 400;
    remaining.value = MAX_LENGTH - n;
  };
  const quick = liveAttr(h(
    'div',
    { class: 'quick-actions', role: 'group' },
    QUICK_ACTIONS.map((qa) => {
      const button = h('button', { type: 'button', class: 'chip', 'data-testid': qa.testId, disabled: true }, tx(qa.key));
      button.addEventListener('click', () => {
        input.value = t(qa.prompt);
        autoSize();
        if (qa.prefill) {
          input.focus();
          input.setSelectionRange(input.value.length, input.value.length);
        } else {
          submit();
        }
      });
      return button;
    }),
  ), 'aria-label', () => t('chat.quickLabel'));
  const form = h(
    'form',
    { class: 'composer', 'data-testid': 'composer' },
    quick,
    h('label', { for: 'chat-input', class: 'visually-hidden' }, tx('chat.inputLabel')),
    h('div', { class: 'composer-row' }, input, send),
    h('p', { class: 'sensitive', id: 'chat-sensitive' }, h('span', { class: 'lock', 'aria-hidden': 'true' }), tx('chat.sensitive'), ' ', counter),
  );
  input.addEventListener('input', autoSize);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  return {
    form,
    input,
    setEnabled: (on) => {
      input.disabled = !on;
      send.disabled = !on;
      for (const b of Array.from(quick.querySelectorAll('button'))) b.disabled = !on;
    },
    lock: () => {
      input.disabled = true;
      send.disabled = true;
    },
    autoSize,
  };
}
