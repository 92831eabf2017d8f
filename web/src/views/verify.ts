import { ApiError, post, type UserSummary } from '../api';
import { h, replace } from '../dom';
import { t } from '../i18n';
import { liveText, tx } from '../scope';
import type { ViewContext } from '../router';
import { loadProfile, loadUser, session } from '../state';
import { errorText, notice, spinner } from '../ui';

interface VerifyAnswer {
  outcome: 'signed-in' | 'email-changed';
  user: UserSummary;
}

type FailureCode = 'token-expired' | 'token-used' | 'token-invalid';

/**
 * The page an e-mailed link opens. The token is spent by a POST made on a click, never by the GET that opens
 * the page nor by the page on its own: mail scanners and link previews fetch (GET) the links in an e-mail, and
 * a page that posted the token by itself would let anyone who sends a person their own link sign that person's
 * browser into their account (login CSRF). When the browser is already signed in, the page says to which
 * account, and the server refuses (409 session-conflict) a link of another account until the person confirms.
 */
export async function renderVerify(context: ViewContext): Promise<void> {
  const { main, route, isStale } = context;
  // Every text is live (tx, liveText): a language switch changes them in place, the link not spent by it.
  const token = route.params.get('token') ?? '';
  replace(main, card(h('h1', { tabindex: '-1' }, tx('verify.title')), spinner(tx('common.loading'))));
  if (!token) {
    showFailure(main, 'token-invalid');
    return;
  }
  if (!session.checked) {
    try {
      await loadUser();
    } catch {
      // The sign-in below says what is wrong if the service is down.
    }
    if (isStale()) return;
  }
  const signedInAs = session.user?.email ?? null;
  const button = h('button', { class: 'btn btn-primary', type: 'button', 'data-testid': 'verify-continue' }, tx('verify.continue'));
  button.addEventListener('click', () => void submit(context, token, false, button));
  replace(
    main,
    card(
      h('h1', { tabindex: '-1' }, tx('verify.title')),
      signedInAs ? h('p', { 'data-testid': 'verify-signed-in-as' }, tx('verify.signedInAs', { email: signedInAs })) : null,
      h('p', null, tx('verify.lead')),
      h('p', null, button),
    ),
  );
}

async function submit(context: ViewContext, token: string, replaceSession: boolean, button: HTMLElement): Promise<void> {
  const { main, navigate, isStale } = context;
  button.setAttribute('disabled', '');
  button.replaceChildren(tx('verify.checking'));
  let answer: VerifyAnswer;
  try {
    answer = await post<VerifyAnswer>('/api/auth/verify', replaceSession ? { token, replaceSession: true } : { token });
  } catch (error) {
    if (isStale()) return;
    const code = error instanceof ApiError ? error.code : undefined;
    if (code === 'session-conflict') showConflict(context, token);
    else if (code === 'token-expired' || code === 'token-used' || code === 'token-invalid') showFailure(main, code);
    else showFailure(main, null, () => errorText(error));
    return;
  }
  if (isStale()) return;
  // Keep the spent token out of the address bar and the history.
  history.replaceState(null, '', '#/verify');
  session.user = answer.user;
  session.checked = true;
  session.profile = undefined;
  if (answer.outcome === 'email-changed') {
    session.notice = () => t('verify.emailChanged');
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
}

/** The link is for another account than the one signed in: say who is signed in and ask. */
function showConflict(context: ViewContext, token: string): void {
  const email = session.user?.email ?? '';
  const proceed = h('button', { class: 'btn btn-primary', type: 'button', 'data-testid': 'verify-switch' }, tx('verify.switch'));
  proceed.addEventListener('click', () => void submit(context, token, true, proceed));
  replace(
    context.main,
    card(
      h('h1', { tabindex: '-1' }, tx('verify.conflictTitle')),
      notice('warning', email ? tx('verify.conflict', { email }) : tx('verify.conflictUnknown')),
      h('p', { class: 'actions' }, proceed, ' ', h('a', { class: 'btn', href: '#/chat', 'data-testid': 'verify-stay' }, email ? tx('verify.stay', { email }) : tx('verify.stayUnknown'))),
    ),
  );
  context.main.querySelector('h1')?.focus();
}

function card(...children: (Node | null)[]): HTMLElement {
  return h('div', { class: 'narrow center' }, h('div', { class: 'card' }, ...children));
}

function showFailure(main: HTMLElement, code: FailureCode | null, text?: () => string): void {
  const message = (): string =>
    code === 'token-expired' ? t('verify.expired') : code === 'token-used' ? t('verify.used') : code === 'token-invalid' ? t('verify.invalid') : (text?.() ?? t('error.unexpected'));
  replace(
    main,
    h(
      'div',
      { class: 'narrow center' },
      h(
        'div',
        { class: 'card', 'data-testid': 'verify-error', 'data-code': code ?? 'error' },
        h('h1', { tabindex: '-1' }, tx('verify.failedTitle')),
        notice('error', liveText(message)),
        h('p', null, h('a', { class: 'btn btn-primary', href: '#/' }, tx('verify.newLink'))),
      ),
    ),
  );
}
