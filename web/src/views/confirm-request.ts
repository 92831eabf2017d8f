import { ApiError, post } from '../api';
import { h, replace } from '../dom';
import { t, tryT } from '../i18n';
import { liveText, tx } from '../scope';
import type { ViewContext } from '../router';
import { errorText, notice, spinner } from '../ui';

/** One attempt per token, even if the view renders twice (language switch, back button). */
const attempts = new Map<string, Promise<{ type: string; status: string }>>();

/**
 * The link of a request received by e-mail: the person confirms it here. The token is spent by this script's
 * POST, never by the GET that opens the page (mail scanners fetch links without running the app).
 */
export async function renderConfirmRequest({ main, route, isStale }: ViewContext): Promise<void> {
  // Every text is live (tx, liveText): a language switch changes them in place, the token spent once.
  const token = route.params.get('token') ?? '';
  const frame = (...children: (Node | string)[]): HTMLElement =>
    h('div', { class: 'narrow center' }, h('div', { class: 'card', 'data-testid': 'confirm-request' }, h('h1', { tabindex: '-1' }, tx('confirmRequest.title')), children));
  replace(main, frame(spinner(tx('confirmRequest.checking'))));
  if (!token) {
    replace(main, frame(notice('error', tx('confirmRequest.invalid'))));
    return;
  }
  let attempt = attempts.get(token);
  if (!attempt) {
    attempt = post<{ type: string; status: string }>('/api/requests/confirm', { token });
    attempts.set(token, attempt);
  }
  try {
    const answer = await attempt;
    if (isStale()) return;
    history.replaceState(null, '', '#/confirm-request');
    const done = (): string =>
      answer.type === 'erasure' ? t('confirmRequest.doneErasure') : t('confirmRequest.done', { kind: (tryT(`op.kind.${answer.type}`) ?? answer.type).toLowerCase() });
    replace(main, frame(h('div', { 'data-testid': 'confirm-request-done', 'data-type': answer.type }, notice('success', liveText(done)))));
  } catch (error) {
    if (isStale()) return;
    const code = error instanceof ApiError ? error.code : undefined;
    const text = (): string =>
      code === 'token-expired' ? t('confirmRequest.expired') : code === 'token-used' ? t('confirmRequest.used') : code === 'token-invalid' ? t('confirmRequest.invalid') : errorText(error);
    replace(main, frame(h('div', { 'data-testid': 'confirm-request-error', 'data-code': code ?? 'error' }, notice(code === 'token-used' ? 'info' : 'error', liveText(text)))));
  }
}
