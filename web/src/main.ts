// The app's boot and its render loop: startApp builds the shell (shell.ts) and renders the route's view
// (views.ts) into it on each hash change and, for views that do not follow the language themselves, on a
// language switch. Nothing happens when this module is imported (index.ts calls startApp).
import './styles.css';
import { replace } from './dom';
import { initLang, onLangChange, t } from './i18n';
import { captureFields, restoreFields } from './fields';
import { PRIVATE, currentRoute, parseRoute, type ViewContext } from './router';
import { createScope, setActiveScope, type Scope } from './scope';
import { createShell, startShell, type Shell } from './shell';
import { loadUser, pageChanged, session } from './state';
import { errorText, notice, spinner } from './ui';
import { views } from './views';

let shell: Shell;
let renderCount = 0;
let firstRender = true;
/** The effects of the view on screen, disposed when the next one renders. */
let viewScope: Scope = createScope();
/** Whether the view on screen follows the language in place (ViewContext.followsLanguage). */
let viewFollowsLanguage = false;

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

/** How a render was asked for: a language switch keeps the form's values, the focus and the scroll position. */
type RenderReason = 'navigation' | 'language';

async function render(reason: RenderReason = 'navigation'): Promise<void> {
  const { main } = shell;
  const route = parseRoute(location.hash);
  const kept = reason === 'language' && route.name === currentRoute.peek().name ? { fields: captureFields(main), scrollY: window.scrollY } : null;
  renderCount += 1;
  const ticket = renderCount;
  // The view on screen stops here: its effects end before anything else is drawn.
  viewScope.dispose();
  viewScope = createScope();
  setActiveScope(viewScope);
  viewFollowsLanguage = false;
  pageChanged(reason);
  const scope = viewScope;
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
  currentRoute.value = route;
  replace(main);
  const context: ViewContext = {
    route,
    main,
    navigate,
    isStale: () => ticket !== renderCount,
    scope,
    followsLanguage: () => {
      if (ticket === renderCount) viewFollowsLanguage = true;
    },
  };
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
    shell.header.querySelector<HTMLElement>('[data-testid="lang-switch"]')?.focus({ preventScroll: true });
    return;
  }
  // Moving focus to the page title tells screen-reader users that the page changed (not on the first load).
  if (!firstRender) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  firstRender = false;
  window.scrollTo(0, 0);
}

/**
 * The language changed. The shell follows it by itself (its effects). A view that follows it too is left as it is
 * (its texts changed in place); any other view is rendered again in it, with what was typed put back.
 */
function relocalize(): void {
  const { main } = shell;
  if (viewFollowsLanguage) {
    document.title = `${main.querySelector('h1')?.textContent ?? ''} · JIMP`;
    shell.header.querySelector<HTMLElement>('[data-testid="lang-switch"]')?.focus({ preventScroll: true });
    return;
  }
  void render('language');
}

/** Boots the app into `app` (index.ts calls it; tests call it on their own element). Returns the first render. */
export function startApp(app: HTMLElement): Promise<void> {
  shell = createShell();
  currentRoute.value = parseRoute(location.hash);
  initLang();
  app.textContent = '';
  app.append(shell.header, shell.announcement, shell.main, shell.footer);
  // The shell lives as long as the app; the views' effects are in viewScope.
  startShell(shell, createScope(), navigate);
  window.addEventListener('hashchange', () => void render());
  onLangChange(relocalize);
  return render();
}
