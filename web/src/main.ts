import './styles.css';
import { post } from './api';
import { h, replace } from './dom';
import { fmtDate, initLang, lang, onLangChange, setLang, t, type Key } from './i18n';
import { loadUser, session, signedOut } from './state';
import { errorText, notice, spinner } from './ui';
import { renderSignIn } from './views/signin';
import { renderVerify } from './views/verify';
import { renderOnboarding } from './views/onboarding';
import { renderChat } from './views/chat';
import { renderKnowledge } from './views/knowledge';
import { renderTrends } from './views/trends';
import { renderWorkspace } from './views/workspace';
import { renderPrivacy } from './views/privacy';
import { renderPolicy } from './views/policy';
import { renderOperator } from './views/operator';
import { renderConfirmRequest } from './views/confirm-request';

export interface Route {
  name: 'signin' | 'verify' | 'onboarding' | 'chat' | 'knowledge' | 'trends' | 'privacy' | 'policy' | 'operator' | 'workspace' | 'confirm-request' | 'notfound';
  params: URLSearchParams;
  id?: string;
}

export interface ViewContext {
  route: Route;
  main: HTMLElement;
  navigate: (hash: string, options?: { replace?: boolean }) => void;
  /** Re-renders the header (after sign-in or sign-out). */
  refreshChrome: () => void;
  /** True once another route has been rendered: long-running work should stop writing to this view. */
  isStale: () => boolean;
}

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
  operator: renderOperator,
  'confirm-request': renderConfirmRequest,
  notfound: renderNotFound,
};

/** Routes that need a session; the others are public. */
const PRIVATE = new Set<Route['name']>(['onboarding', 'chat', 'knowledge', 'trends', 'workspace', 'privacy', 'operator']);

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  const first = parts[0] ?? '';
  if (first === '') return { name: 'signin', params };
  if (first === 'chat') return parts[1] ? { name: 'chat', params, id: decodeURIComponent(parts[1]) } : { name: 'chat', params };
  if (first === 'knowledge' && parts.length <= 2) return parts[1] ? { name: 'knowledge', params, id: decodeURIComponent(parts[1]) } : { name: 'knowledge', params };
  if (['verify', 'onboarding', 'trends', 'workspace', 'privacy', 'policy', 'operator', 'confirm-request'].includes(first) && parts.length === 1) return { name: first as Route['name'], params };
  return { name: 'notfound', params };
}

const app = document.getElementById('app') as HTMLElement;
const header = h('header', { class: 'app-header' });
const main = h('main', { id: 'main', class: 'app-main', tabindex: '-1' });
const footer = h('footer', { class: 'app-footer' });
const announcement = h('div', { class: 'announcement', role: 'status', 'data-testid': 'policy-announcement', hidden: true });
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

const NAV: { route: Route['name']; href: string; key: Key; testId: string }[] = [
  { route: 'chat', href: '#/chat', key: 'nav.chat', testId: 'nav-chat' },
  { route: 'trends', href: '#/trends', key: 'nav.trends', testId: 'nav-trends' },
  { route: 'knowledge', href: '#/knowledge', key: 'nav.knowledge', testId: 'nav-knowledge' },
  { route: 'workspace', href: '#/workspace', key: 'nav.workspace', testId: 'nav-workspace' },
  { route: 'onboarding', href: '#/onboarding', key: 'nav.profile', testId: 'nav-profile' },
  { route: 'privacy', href: '#/privacy', key: 'nav.privacy', testId: 'nav-privacy' },
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
  const links = NAV.map((item) =>
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

/** A material policy change is announced in the app before it takes effect (and by e-mail, server side). */
function renderAnnouncement(): void {
  const upcoming = session.user?.upcomingPolicy;
  if (!upcoming) {
    replace(announcement);
    announcement.hidden = true;
    return;
  }
  announcement.hidden = false;
  replace(
    announcement,
    h(
      'p',
      { class: 'announcement-inner' },
      t(upcoming.material ? 'policy.upcomingMaterial' : 'policy.upcoming', { v: upcoming.version, date: fmtDate(upcoming.effective) }),
      ' ',
      h('a', { href: `#/policy?version=${encodeURIComponent(upcoming.version)}` }, t('policy.readUpcoming')),
    ),
  );
}

function renderFooter(): void {
  replace(
    footer,
    h(
      'div',
      { class: 'footer-inner' },
      h('p', null, t('footer.tagline')),
      h('p', { class: 'footer-links' }, h('a', { href: '#/policy' }, t('footer.policy')), session.user ? h('a', { href: '#/privacy' }, t('footer.privacy')) : null),
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

let currentRoute: Route = parseRoute(location.hash);
function renderChrome(): void {
  renderHeader(currentRoute);
  renderAnnouncement();
  renderFooter();
}

async function render(): Promise<void> {
  const route = parseRoute(location.hash);
  currentRoute = route;
  renderCount += 1;
  const ticket = renderCount;
  document.documentElement.dataset.route = route.name;
  if (!session.checked && route.name !== 'verify' && route.name !== 'confirm-request') {
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
    return render();
  }
  if (route.name === 'signin' && session.user) {
    history.replaceState(null, '', '#/chat');
    return render();
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
  // Moving focus to the page title tells screen-reader users that the page changed (not on the first load).
  if (!firstRender) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  firstRender = false;
  window.scrollTo(0, 0);
}

function renderNotFound(context: ViewContext): void {
  replace(context.main, h('div', { class: 'narrow' }, h('h1', { tabindex: '-1' }, t('notFound.title')), h('p', null, h('a', { href: '#/' }, t('notFound.home')))));
}

initLang();
app.textContent = '';
app.append(header, announcement, main, footer);
window.addEventListener('hashchange', () => void render());
onLangChange(() => {
  // The chat keeps its stream: it re-labels itself instead of being rebuilt.
  if (currentRoute.name === 'chat' && document.querySelector('[data-chat-live="true"]')) {
    renderChrome();
    document.dispatchEvent(new CustomEvent('jimp:lang'));
    return;
  }
  void render();
});
void render();
