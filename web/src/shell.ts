// The app's frame around the views: the header (logo, nav, language switch, menu), the announcement banner and
// the footer. Each part is built in an effect, so it follows the language, the session and the route in place.
import { post } from './api';
import { h, replace } from './dom';
import { fmtDate, lang, setLang, t, type Key } from './i18n';
import { currentRoute, type Route } from './router';
import type { Scope } from './scope';
import { session, signedOut } from './state';

export interface Shell {
  header: HTMLElement;
  announcement: HTMLElement;
  main: HTMLElement;
  footer: HTMLElement;
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

function header(shell: Shell, navigate: (hash: string) => void): void {
  const route = currentRoute.value;
  const signedIn = session.user !== null;
  // The header is rebuilt: the switch keeps the focus if it had it (a person switching with the keyboard).
  const hadFocus = document.activeElement instanceof HTMLElement && document.activeElement.dataset.testid === 'lang-switch' && shell.header.contains(document.activeElement);
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
    shell.main.focus();
  });

  if (!signedIn) {
    replace(shell.header, skip, h('div', { class: 'header-inner' }, logo, h('div', { class: 'header-actions' }, langButton)));
    if (hadFocus) langButton.focus({ preventScroll: true });
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
  signOut.addEventListener('click', () => void signOutNow(navigate));
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
  replace(shell.header, skip, h('div', { class: 'header-inner' }, logo, nav, h('div', { class: 'header-actions' }, langButton, menuButton)));
  if (hadFocus) langButton.focus({ preventScroll: true });
}

/** A material policy or CGU change is announced in the app before it takes effect (and by e-mail, server side). */
function announcement(shell: Shell): void {
  const { announcement: box } = shell;
  const upcoming = session.user?.upcomingPolicy;
  const terms = session.user?.upcomingTerms;
  if (!upcoming && !terms) {
    replace(box);
    box.hidden = true;
    return;
  }
  box.hidden = false;
  replace(
    box,
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

function footer(shell: Shell): void {
  replace(
    shell.footer,
    h(
      'div',
      { class: 'footer-inner' },
      h('p', null, t('footer.tagline')),
      h('p', { class: 'footer-links' }, h('a', { href: '#/terms', 'data-testid': 'footer-terms' }, t('footer.terms')), h('a', { href: '#/policy' }, t('footer.policy')), session.user ? h('a', { href: '#/privacy' }, t('footer.privacy')) : null),
      h('p', { class: 'footer-small' }, t('footer.notAffiliated')),
    ),
  );
}

async function signOutNow(navigate: (hash: string) => void): Promise<void> {
  try {
    await post('/api/auth/logout');
  } catch {
    // signed out locally either way
  }
  signedOut(() => t('signin.signedOut'));
  navigate('#/');
}

/** The frame's elements, empty: `startShell` fills them. */
export function createShell(): Shell {
  return {
    header: h('header', { class: 'app-header' }),
    announcement: h('div', { class: 'announcement', role: 'status', 'data-testid': 'policy-announcement', hidden: true }),
    main: h('main', { id: 'main', class: 'app-main', tabindex: '-1' }),
    footer: h('footer', { class: 'app-footer' }),
  };
}

/** Builds the header, the banner and the footer, each again when the language, the session or the route changes. */
export function startShell(shell: Shell, scope: Scope, navigate: (hash: string) => void): void {
  scope.effect(() => header(shell, navigate));
  scope.effect(() => announcement(shell));
  scope.effect(() => footer(shell));
}
