/** Small building blocks shared by the views: fields with their errors, notices, dialogs, error texts. */
import { ApiError } from './api';
import { h, uid } from './dom';
import { fmtDateTime, t, type Key } from './i18n';
import { fill, liveText, said, tx, type Said } from './scope';

/** A labelled control with an error slot wired through aria-describedby. */
export function field(labelText: string | Node, control: HTMLElement, options: { hint?: string | Node; name?: string } = {}): HTMLElement {
  const id = control.id || uid('f');
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [options.hint ? hintId : '', errorId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  return h(
    'div',
    { class: 'field', 'data-field': options.name ?? control.getAttribute('name') ?? '' },
    h('label', { for: id }, labelText),
    options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null,
    control,
    h('p', { class: 'field-error', id: errorId, role: 'alert', hidden: true }),
  );
}

/** A fieldset of choices (checkboxes or radios) with a legend and an error slot. */
export function choiceGroup(legend: string | Node, name: string, inputs: HTMLElement[], options: { hint?: string | Node; className?: string; hideLegend?: boolean } = {}): HTMLElement {
  const errorId = uid('err');
  const hintId = uid('hint');
  return h(
    'fieldset',
    { class: `field choices ${options.className ?? ''}`.trim(), 'data-field': name, 'aria-describedby': [options.hint ? hintId : '', errorId].filter(Boolean).join(' ') },
    h('legend', options.hideLegend ? { class: 'visually-hidden' } : null, legend),
    options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null,
    h('div', { class: 'choice-list' }, inputs),
    h('p', { class: 'field-error', id: errorId, role: 'alert', hidden: true }),
  );
}

export function choice(type: 'checkbox' | 'radio', name: string, value: string, text: string | Node, checked: boolean, extra: Record<string, string> = {}): HTMLElement {
  const id = uid(name);
  return h(
    'div',
    { class: 'choice' },
    h('input', { type, name, value, id, checked, ...extra }),
    h('label', { for: id }, text),
  );
}

/** Shows field errors next to their fields; returns the first field element that has one. */
export function showFieldErrors(form: HTMLElement, errors: Record<string, string[]>, translate?: (field: string, messages: string[]) => string): HTMLElement | null {
  let first: HTMLElement | null = null;
  for (const container of Array.from(form.querySelectorAll<HTMLElement>('[data-field]'))) {
    const name = container.dataset.field ?? '';
    const slot = container.querySelector<HTMLElement>('.field-error');
    if (!slot) continue;
    const messages = errors[name];
    const control = container.querySelector<HTMLElement>('input, select, textarea');
    if (messages && messages.length > 0) {
      // Live: a translate reading t() says the error again in the new language after a switch.
      fill(slot, () => liveText(() => (translate ? translate(name, messages) : messages.join(' '))));
      slot.hidden = false;
      container.classList.add('invalid');
      if (control && container.tagName !== 'FIELDSET') control.setAttribute('aria-invalid', 'true');
      first ??= container;
    } else {
      fill(slot, null);
      slot.hidden = true;
      container.classList.remove('invalid');
      control?.removeAttribute('aria-invalid');
    }
  }
  return first;
}

/** Field errors that no field of the form displays (shown in the form's status line instead). */
export function unmatchedErrors(form: HTMLElement, errors: Record<string, string[]>): string[] {
  const shown = new Set(Array.from(form.querySelectorAll<HTMLElement>('[data-field]')).map((el) => el.dataset.field));
  return Object.entries(errors)
    .filter(([name]) => !shown.has(name))
    .flatMap(([, messages]) => messages);
}

export function focusFirstInvalid(container: HTMLElement | null): void {
  container?.querySelector<HTMLElement>('input, select, textarea')?.focus();
}

export type NoticeKind = 'info' | 'success' | 'warning' | 'error';

export function notice(kind: NoticeKind, ...content: (Node | string)[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, content);
}

export type StatusSlot = HTMLElement & { show: (kind: NoticeKind, text: Said) => void; hide: () => void };

/** A live region that a view fills with a notice after an action (a function text follows the language). */
export function statusSlot(): StatusSlot {
  const slot = h('div', { class: 'status-slot', 'aria-live': 'polite' }) as unknown as StatusSlot;
  slot.show = (kind, text) => fill(slot, () => notice(kind, said(text)));
  slot.hide = () => fill(slot, null);
  return slot;
}

export function spinner(text: string | Node): HTMLElement {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, text));
}

export function waitText(seconds: number | undefined): string {
  if (seconds === undefined) return t('error.rateLimitedLater');
  if (seconds < 90) return t('error.rateLimitedSeconds', { n: Math.max(1, seconds) });
  return t('error.rateLimitedMinutes', { n: Math.ceil(seconds / 60) });
}

/** "30 s", "2 min": how long to wait, for sentences that say it. */
export function durationText(seconds: number | undefined): string {
  const n = Math.max(1, seconds ?? 60);
  return n < 90 ? `${n} s` : `${Math.ceil(n / 60)} min`;
}

/** A user-facing sentence for any error. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('error.network');
    if (error.code === 'budget-used') return t('error.budgetUsed', { when: error.problem.resetsAt ? fmtDateTime(error.problem.resetsAt) : waitText(error.retryAfterSeconds) });
    if (error.code === 'model-busy') return t('error.modelBusy', { wait: durationText(error.retryAfterSeconds) });
    if (error.code === 'no-profile') return t('error.noProfile');
    if (error.status === 429) return waitText(error.retryAfterSeconds);
    if (error.status === 401) return t('error.signedOut');
    if (error.status === 403 && error.code === 'restricted') return t('error.restricted');
    if (error.isMissingEndpoint) return t('error.notYet');
    if (error.code === 'email-unavailable') return t('error.emailUnavailable');
    if (error.code === 'storage-unavailable') return t('error.storageUnavailable');
    if (error.code === 'account-erasing') return t('error.accountErasing');
    if (error.code === 'signup-in-progress') return t('error.signupInProgress');
    if (error.status >= 500) return error.problem.traceId ? t('error.serverTrace', { id: error.problem.traceId }) : t('error.server');
    return error.problem.detail ?? error.problem.title ?? t('error.server');
  }
  return t('error.unexpected');
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes). Resolves true when confirmed. */
export function confirmDialog(options: {
  title: string;
  body: (Node | string)[];
  confirmLabel: string;
  danger?: boolean;
  /** Enables the confirm button only when this returns true (re-checked on every input). */
  canConfirm?: () => boolean;
  testId?: string;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const confirm = h('button', { type: 'submit', class: options.danger ? 'btn btn-danger' : 'btn btn-primary', value: 'confirm', 'data-testid': 'dialog-confirm' }, options.confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'dialog-cancel' }, t('common.cancel'));
    const form = h('form', { method: 'dialog', class: 'dialog-form' }, h('h2', { id: titleId }, options.title), h('div', { class: 'dialog-body' }, options.body), h('div', { class: 'dialog-actions' }, cancel, confirm));
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': options.testId ?? 'dialog' }, form);
    const update = (): void => {
      confirm.disabled = options.canConfirm ? !options.canConfirm() : false;
    };
    form.addEventListener('input', update);
    update();
    let result = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (options.canConfirm && !options.canConfirm()) return;
      result = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    (form.querySelector<HTMLElement>('input, textarea') ?? cancel).focus();
  });
}

export function pageHeader(title: string | Node, lead?: string | Node): HTMLElement {
  return h('header', { class: 'page-header' }, h('h1', { tabindex: '-1' }, title), lead ? h('p', { class: 'lead' }, lead) : null);
}

export function section(titleKey: Key, ...children: (Node | null | false)[]): HTMLElement {
  const id = uid('sec');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, tx(titleKey)), children);
}
