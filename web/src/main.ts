import './styles.css';
import { post } from './api';
import { h, replace } from './dom';
import { fmtDate, initLang, lang, onLangChange, setLang, t, type Key } from './i18n';
import { loadUser, session, signedOut } from './state';
import { errorText, notice, spinner } from './ui';
import { captureFields, restoreFields } from './fields';
import { renderSignIn } from './views/signin';
import { renderVerify } from './views/verify';
import { renderOnboarding } from './views/onboarding';
import { renderChat } from './views/chat';
import { renderKnowledge } from './views/knowledge';
import { renderTrends } from './views/trends';
import { renderWorkspace } from './views/workspace';
import { renderPrivacy } from './views/privacy';
import { renderPolicy, renderTerms } from './views/policy';
import { renderOperator } from './views/operator';
import { renderConfirmRequest } from './views/confirm-request';
import { renderUnsubscribe } from './views/unsubscribe';
import { PRIVATE, parseRoute, type Route, type ViewContext } from './router';

type View = (context: ViewContext) => Promise<void> | void;

const views: Record<Route['name'], View> = {
  signin: renderSignIn,
  verify: renderVerify,
  onboarding: renderOnboarding,
  chat: renderChat,
  knowledge: renderKnowledge,
  trends: renderTrends,
  workspace: renderWorkspace,
  privacy: renderPrivacy,
  policy: renderPolicy,
  terms: renderTerms,
  operator: renderOperator,
  'confirm-request': renderConfirmRequest,
  unsubscribe: renderUnsubscribe,
  notfound: renderNotFound,
};

// The app's frame, created by startApp (nothing happens when this module is imported).
let header: HTMLElement;
let main: HTMLElement;
let footer: HTMLElement;
let announcement: HTMLElement;
let renderCount = 0;
let firstRender = true;

function navigate(hash: string, options: { replace?: boolean } = {}): void {
  if (location.hash === hash) {
    void render();
  } else if (options.replace) {
    history.replaceState(null, '', hash);
    void render();
  } else {
    location.hash = hash;
  }
}

const NAV: { route: Route['name']; href: string; key: Key; testId: string; operatorOnly?: boolean }[] = [
  { route: 'chat', href: '#/chat', key: 'nav.chat', testId: 'nav-chat' },
  { route: 'trends', href: '#/trends', key: 'nav.trends', testId: 'nav-trends' },
  { route: 'knowledge', href: '#/knowledge', key: 'nav.knowledge', testId: 'nav-knowledge' },
  { route: 'workspace', href: '#/workspace', key: 'nav.workspace', testId: 'nav-workspace' },
  { route: 'onboarding', href: '#/onboarding', key: 'nav.profile', testId: 'nav-profile' },
  { route: 'privacy', href: '#/privacy', key: 'nav.privacy', testId: 'nav-privacy' },
  // The owner's console: only an operator's account sees the link (the API refuses everyone else anyway).
  { route: 'operator', href: '#/operator', key: 'nav.operator', testId: 'nav-operator', operatorOnly: true },
];

function renderHeader(route: Route): void {
  const signedIn = session.user !== null;
  const langButton = h(
    'button',
    // The visible "EN"/"FR" starts the accessible name (WCAG 2.5.3), in the language it switches to.
    { type: 'button', class: 'lang-switch', 'data-testid': 'lang-switch', lang: lang() === 'fr' ? 'en' : 'fr', 'aria-label': lang() === 'fr' ? 'EN – English' : 'FR – Français', title: t('nav.langSwitchLabel') },
    lang() === 'fr' ? 'EN' : 'FR',
  );
  langButton.addEventListener('click', () => setLang(lang() === 'fr' ? 'en' : 'fr'));

  const logo = h(
    'a',
    { class: 'logo', href: signedIn ? '#/chat' : '#/' },
    h('span', { class: 'logo-mark', 'aria-hidden': 'true' }, 'J'),
    h('span', { class: 'logo-word' }, 'JIMP'),
    h('span', { class: 'visually-hidden' }, t('nav.homeSuffix')),
  );

  const skip = h('a', { class: 'skip-link', href: '#main' }, t('nav.skip'));
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });

  if (!signedIn) {
    replace(header, skip, h('div', { class: 'header-inner' }, logo, h('div', { class: 'header-actions' }, langButton)));
    return;
  }

  const menuId = 'main-menu';
  const menuButton = h(
    'button',
    { type: 'button', class: 'menu-button', 'aria-expanded': 'false', 'aria-controls': menuId, 'data-testid': 'menu-button' },
    h('span', { class: 'menu-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'visually-hidden' }, t('nav.menu')),
  );
  const links = NAV.filter((item) => !item.operatorOnly || session.user?.operator === true).map((item) =>
    h('li', null, h('a', { href: item.href, 'data-testid': item.testId, 'aria-current': route.name === item.route ? 'page' : null }, t(item.key))),
  );
  const signOut = h('button', { type: 'button', class: 'nav-signout', 'data-testid': 'sign-out' }, t('nav.signOut'));
  signOut.addEventListener('click', () => void signOutNow());
  const nav = h('nav', { id: menuId, class: 'main-nav', 'aria-label': t('nav.label') }, h('ul', null, links, h('li', null, signOut)));
  const close = (): void => {
    menuButton.setAttribute('aria-expanded', 'false');
    nav.classList.remove('open');
  };
  menuButton.addEventListener('click', () => {
    const open = menuButton.getAttribute('aria-expanded') !== 'true';
    menuButton.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
    if (open) nav.querySelector<HTMLElement>('a')?.focus();
  });
  nav.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && nav.classList.contains('open')) {
      close();
      menuButton.focus();
    }
  });
  nav.addEventListener('click', (event) => {
    if ((event.target as HTMLElement).closest('a')) close();
  });
  replace(header, skip, h('div', { class: 'header-inner' }, logo, nav, h('div', { class: 'header-actions' }, langButton, menuButton)));
}

/** A material policy or CGU change is announced in the app before it takes effect (and by e-mail, server side). */
function renderAnnouncement(): void {
  const upcoming = session.user?.upcomingPolicy;
  const terms = session.user?.upcomingTerms;
  if (!upcoming && !terms) {
    replace(announcement);
    announcement.hidden = true;
    return;
  }
  announcement.hidden = false;
  replace(
    announcement,
    upcoming
      ? h(
          'p',
          { class: 'announcement-inner' },
          t(upcoming.material ? 'policy.upcomingMaterial' : 'policy.upcoming', { v: upcoming.version, date: fmtDate(upcoming.effective) }),
          ' ',
          h('a', { href: `#/policy?version=${encodeURIComponent(upcoming.version)}` }, t('policy.readUpcoming')),
        )
      : null,
    terms
      ? h(
          'p',
          { class: 'announcement-inner', 'data-testid': 'terms-announcement' },
          t('terms.upcoming', { v: terms.version, date: fmtDate(terms.effective) }),
          ' ',
          h('a', { href: `#/terms?version=${encodeURIComponent(terms.version)}` }, t('terms.readUpcoming')),
        )
      : null,
  );
}

function renderFooter(): void {
  replace(
    footer,
    h(
      'div',
      { class: 'footer-inner' },
      h('p', null, t('footer.tagline')),
      h('p', { class: 'footer-links' }, h('a', { href: '#/terms', 'data-testid': 'footer-terms' }, t('footer.terms')), h('a', { href: '#/policy' }, t('footer.policy')), session.user ? h('a', { href: '#/privacy' }, t('footer.privacy')) : null),
      h('p', { class: 'footer-small' }, t('footer.notAffiliated')),
    ),
  );
}

async function signOutNow(): Promise<void> {
  try {
    await post('/api/auth/logout');
  } catch {
    // signed out locally either way
  }
  signedOut(t('signin.signedOut'));
  navigate('#/');
  renderChrome();
}

let currentRoute: Route = parseRoute('');
function renderChrome(): void {
  renderHeader(currentRoute);
  renderAnnouncement();
  renderFooter();
}

/** How a render was asked for: a language switch keeps the form's values, the focus and the scroll position. */
type RenderReason = 'navigation' | 'language';

async function render(reason: RenderReason = 'navigation'): Promise<void> {
  const route = parseRoute(location.hash);
  const kept = reason === 'language' && route.name === currentRoute.name ? { fields: captureFields(main), scrollY: window.scrollY } : null;
  currentRoute = route;
  renderCount += 1;
  const ticket = renderCount;
  document.documentElement.dataset.route = route.name;
  if (!session.checked && route.name !== 'verify' && route.name !== 'confirm-request' && route.name !== 'unsubscribe') {
    replace(main, spinner(t('common.loading')));
    try {
      await loadUser();
    } catch (error) {
      replace(main, notice('error', errorText(error)));
      return;
    }
    if (ticket !== renderCount) return;
  }
  if (PRIVATE.has(route.name) && !session.user) {
    history.replaceState(null, '', '#/');
    return render(reason);
  }
  if (route.name === 'signin' && session.user) {
    history.replaceState(null, '', '#/chat');
    return render(reason);
  }
  renderChrome();
  replace(main);
  const context: ViewContext = { route, main, navigate, refreshChrome: renderChrome, isStale: () => ticket !== renderCount };
  try {
    await views[route.name](context);
  } catch (error) {
    if (ticket === renderCount) replace(main, notice('error', errorText(error)));
  }
  if (ticket !== renderCount) return;
  document.title = `${main.querySelector('h1')?.textContent ?? ''} · JIMP`;
  if (reason === 'language') {
    // Same page, other language: what the person typed, where they were and the focus stay.
    if (kept) {
      restoreFields(main, kept.fields);
      window.scrollTo(0, kept.scrollY);
    }
    header.querySelector<HTMLElement>('[data-testid="lang-switch"]')?.focus({ preventScroll: true });
    return;
  }
  // Moving focus to the page title tells screen-reader users that the page changed (not on the first load).
  if (!firstRender) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  firstRender = false;
  window.scrollTo(0, 0);
}

/** The language changed: the chrome and the current view are rendered again in it, without a reload. */
function relocalize(): void {
  renderChrome();
  const live = main.querySelector<HTMLElement>('[data-chat-live="true"]');
  if (!live) {
    void render('language');
    return;
  }
  // A chat answer is streaming: the view is rebuilt once it ends (its text is stored by then), not cut off.
  const observer = new MutationObserver(() => {
    if (live.dataset.chatLive === 'true' && live.isConnected) return;
    observer.disconnect();
    if (live.isConnected) void render('language');
  });
  observer.observe(live, { attributes: true, attributeFilter: ['data-chat-live'] });
}

function renderNotFound(context: ViewContext): void {
  replace(context.main, h('div', { class: 'narrow' }, h('h1', { tabindex: '-1' }, t('notFound.title')), h('p', null, h('a', { href: '#/' }, t('notFound.home')))));
}

/** Boots the app into `app` (index.ts calls it; tests call it on their own element). Returns the first render. */
export function startApp(app: HTMLElement): Promise<void> {
  header = h('header', { class: 'app-header' });
  main = h('main', { id: 'main', class: 'app-main', tabindex: '-1' });
  footer = h('footer', { class: 'app-footer' });
  announcement = h('div', { class: 'announcement', role: 'status', 'data-testid': 'policy-announcement', hidden: true });
  currentRoute = parseRoute(location.hash);
  initLang();
  app.textContent = '';
  app.append(header, announcement, main, footer);
  window.addEventListener('hashchange', () => void render());
  onLangChange(relocalize);
  return render();
}
