import { ApiError, post, type UnsubscribeResult } from '../api';
import { h, replace } from '../dom';
import { lang, t } from '../i18n';
import { liveText, tx } from '../scope';
import type { ViewContext } from '../router';
import { errorText, notice, spinner } from '../ui';

/** One attempt per token, even if the view renders twice (language switch, back button). */
const attempts = new Map<string, Promise<UnsubscribeResult>>();

/**
 * The link in a non-essential e-mail: this page withdraws the consent with the signed token, without a session,
 * and says so. The script's POST does it, never the GET that opens the page (mail scanners fetch links).
 */
export async function renderUnsubscribe({ main, route, isStale }: ViewContext): Promise<void> {
  // Every text is live (tx, liveText): a language switch changes them in place, the answer already given.
  const token = route.params.get('t') ?? '';
  const frame = (...children: (Node | string)[]): HTMLElement =>
    h('div', { class: 'narrow center' }, h('div', { class: 'card', 'data-testid': 'unsubscribe' }, h('h1', { tabindex: '-1' }, tx('unsubscribe.title')), children));
  replace(main, frame(spinner(tx('unsubscribe.working'))));
  if (!token) {
    replace(main, frame(h('div', { 'data-testid': 'unsubscribe-error', 'data-code': 'unsubscribe-invalid' }, notice('error', tx('unsubscribe.invalid')))));
    return;
  }
  let attempt = attempts.get(token);
  if (!attempt) {
    attempt = post<UnsubscribeResult>(`/api/unsubscribe?t=${encodeURIComponent(token)}`);
    attempts.set(token, attempt);
  }
  try {
    const answer = await attempt;
    if (isStale()) return;
    const done = (): string => t('unsubscribe.done', { purpose: lang() === 'en' ? answer.en : answer.fr });
    replace(
      main,
      frame(
        h('div', { 'data-testid': 'unsubscribe-done', 'data-purpose': answer.purpose }, notice('success', liveText(done))),
        h('p', null, tx('unsubscribe.more'), ' ', h('a', { href: '#/privacy' }, tx('unsubscribe.privacyLink'))),
      ),
    );
  } catch (error) {
    if (isStale()) return;
    const code = error instanceof ApiError ? error.code : undefined;
    const text = (): string => (code === 'unsubscribe-invalid' ? t('unsubscribe.invalid') : errorText(error));
    replace(main, frame(h('div', { 'data-testid': 'unsubscribe-error', 'data-code': code ?? 'error' }, notice('error', liveText(text)))));
  }
}
