import { ApiError, post, type UserSummary } from '../api';
import { h, replace } from '../dom';
import { t } from '../i18n';
import type { ViewContext } from '../router';
import { loadProfile, session } from '../state';
import { errorText, notice, spinner } from '../ui';

interface VerifyAnswer {
  outcome: 'signed-in' | 'email-changed';
  user: UserSummary;
}

/** One attempt per token, even if the view renders twice (language switch, back button). */
const attempts = new Map<string, Promise<VerifyAnswer>>();

export async function renderVerify({ main, route, navigate, refreshChrome, isStale }: ViewContext): Promise<void> {
  const token = route.params.get('token') ?? '';
  replace(main, h('div', { class: 'narrow center' }, h('div', { class: 'card' }, h('h1', { tabindex: '-1' }, t('verify.title')), spinner(t('verify.checking')))));
  if (!token) {
    showFailure(main, 'token-invalid');
    return;
  }
  // The token is spent by a POST made by this script, never by the GET that opens the page: mail
  // security scanners and link previews fetch (GET) the links in an e-mail, and a single-use token
  // consumed on GET would be burnt before the person clicks. They do not run the app's JavaScript.
  let attempt = attempts.get(token);
  if (!attempt) {
    attempt = post<VerifyAnswer>('/api/auth/verify', { token });
    attempts.set(token, attempt);
  }
  try {
    const answer = await attempt;
    if (isStale()) return;
    // Keep the spent token out of the address bar and the history.
    history.replaceState(null, '', '#/verify');
    session.user = answer.user;
    session.checked = true;
    session.profile = undefined;
    refreshChrome();
    if (answer.outcome === 'email-changed') {
      session.notice = t('verify.emailChanged');
      navigate('#/privacy', { replace: true });
      return;
    }
    let profile = null;
    try {
      profile = await loadProfile(true);
    } catch {
      profile = {} as never; // profile service unavailable: go to the chat, which explains itself
    }
    if (isStale()) return;
    navigate(profile === null ? '#/onboarding' : '#/chat', { replace: true });
  } catch (error) {
    if (isStale()) return;
    const code = error instanceof ApiError ? error.code : undefined;
    if (code === 'token-expired' || code === 'token-used' || code === 'token-invalid') showFailure(main, code);
    else showFailure(main, null, errorText(error));
  }
}

function showFailure(main: HTMLElement, code: 'token-expired' | 'token-used' | 'token-invalid' | null, text?: string): void {
  const message = code === 'token-expired' ? t('verify.expired') : code === 'token-used' ? t('verify.used') : code === 'token-invalid' ? t('verify.invalid') : (text ?? t('error.unexpected'));
  replace(
    main,
    h(
      'div',
      { class: 'narrow center' },
      h(
        'div',
        { class: 'card', 'data-testid': 'verify-error', 'data-code': code ?? 'error' },
        h('h1', { tabindex: '-1' }, t('verify.failedTitle')),
        notice('error', message),
        h('p', null, h('a', { class: 'btn btn-primary', href: '#/' }, t('verify.newLink'))),
      ),
    ),
  );
}
