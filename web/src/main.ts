// The app's boot and its render loop: startApp builds the shell (shell.ts) and renders the route's view
// (views.ts) into it on each hash change. A language switch renders nothing: the shell and every view follow it
// in place (their live texts, scope.ts). Nothing happens when this module is imported (index.ts calls startApp).
import './styles.css';
import { replace } from './dom';
import { initLang, onLangChange, t } from './i18n';
import { PRIVATE, currentRoute, parseRoute, type ViewContext } from './router';
import { createScope, setActiveScope, type Scope } from './scope';
import { createShell, startShell, type Shell } from './shell';
import { loadUser, session } from './state';
import { errorText, notice, spinner } from './ui';
import { views } from './views';

let shell: Shell;
let renderCount = 0;
let firstRender = true;
/** The effects of the view on screen, disposed when the next one renders. */
let viewScope: Scope = createScope();

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

async function render(): Promise<void> {
  const { main } = shell;
  const route = parseRoute(location.hash);
  renderCount += 1;
  const ticket = renderCount;
  // The view on screen stops here: its effects end before anything else is drawn.
  viewScope.dispose();
  viewScope = createScope();
  setActiveScope(viewScope);
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
    return render();
  }
  if (route.name === 'signin' && session.user) {
    history.replaceState(null, '', '#/chat');
    return render();
  }
  currentRoute.value = route;
  replace(main);
  const context: ViewContext = {
    route,
    main,
    navigate,
    isStale: () => ticket !== renderCount,
    scope,
  };
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

/**
 * The language changed: the shell and the view on screen changed their texts in place (what was typed, the scroll
 * position and what was loaded stay). The window's title follows the page's heading; the focus stays on the switch.
 */
function relocalize(): void {
  shell.header.querySelector<HTMLElement>('[data-testid="lang-switch"]')?.focus({ preventScroll: true });
  // Once every live text has run (this listener may run before the heading's own effect).
  queueMicrotask(() => {
    document.title = `${shell.main.querySelector('h1')?.textContent ?? ''} · JIMP`;
  });
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
