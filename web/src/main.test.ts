import { afterEach, describe, expect, it, vi } from 'vitest';
import { dictionaries } from './i18n';

// Like the server for a visitor who is not signed in: /api/me answers 401, the policy is readable.
function fakeServer(): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      const json = (status: number, body: unknown, type = 'application/json'): Response => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
      if (url.includes('/api/me')) return json(401, { status: 401, code: 'unauthenticated' }, 'application/problem+json');
      if (url.includes('/api/policy')) return json(200, { current: '2.0.0', upcoming: null, versions: [], version: '2.0.0', date: '2026-12-01', effective: '2026-12-01', material: true, documents: { fr: '# Politique', en: '# Policy' }, minimumAge: 16 });
      return json(404, { status: 404, code: 'not-found' }, 'application/problem+json');
    }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
  localStorage.clear();
});

describe('main.ts', () => {
  it('does nothing when imported: the app boots only when startApp is called', async () => {
    const app = document.createElement('div');
    app.id = 'app';
    document.body.append(app);
    await import('./main');
    expect(app.children.length).toBe(0);
    expect(document.querySelector('header, main')).toBeNull();
  }, 20000); // the first import compiles the whole app: over vitest's 5 s default on a loaded 2-core machine

  it('switches the language in place: the same elements in English, what was typed stays, nothing fetched, no render', async () => {
    fakeServer();
    const app = document.createElement('div');
    document.body.append(app);
    const { startApp } = await import('./main');
    await startApp(app);
    const h1 = (): string => app.querySelector('main h1')?.textContent ?? '';
    expect(h1()).toBe(dictionaries.fr['signin.title']);
    expect(document.documentElement.lang).toBe('fr');

    const email = app.querySelector<HTMLInputElement>('[data-testid="email"]')!;
    email.value = 'lea@example.com';
    const age = app.querySelector<HTMLInputElement>('[data-testid="age-confirm"]')!;
    age.checked = true;
    const heading = app.querySelector('main h1');
    const fetches = vi.mocked(fetch).mock.calls.length;
    app.querySelector<HTMLButtonElement>('[data-testid="lang-switch"]')!.click();

    // At once (no render to wait for): the texts changed where they are.
    expect(h1()).toBe(dictionaries.en['signin.title']);
    await vi.waitFor(() => expect(document.title).toBe(`${dictionaries.en['signin.title']} · JIMP`));
    expect(document.documentElement.lang).toBe('en');
    expect(app.querySelector('main h1')).toBe(heading);
    expect(app.querySelector('[data-testid="email"]')).toBe(email);
    expect(app.querySelector('[data-testid="age-confirm"]')).toBe(age);
    expect(app.querySelector('[data-testid="send-link"]')?.textContent).toBe(dictionaries.en['signin.send']);
    expect(email.value).toBe('lea@example.com');
    expect(age.checked).toBe(true);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('lang-switch');
    expect(app.querySelector('[data-testid="lang-switch"]')?.textContent).toBe('FR');
    expect(vi.mocked(fetch).mock.calls.length).toBe(fetches); // the policy version is not fetched again
  });

  it('renders no route again on a language switch: a page not found changes its words in place', async () => {
    fakeServer();
    history.replaceState(null, '', '#/nowhere');
    const app = document.createElement('div');
    document.body.append(app);
    const { startApp } = await import('./main');
    await startApp(app);
    const { lang } = await import('./i18n');
    const from = lang();
    const to = from === 'fr' ? 'en' : 'fr';
    const heading = app.querySelector('main h1')!;
    expect(heading.textContent).toBe(dictionaries[from]['notFound.title']);
    const link = app.querySelector('main a')!;
    app.querySelector<HTMLButtonElement>('[data-testid="lang-switch"]')!.click();
    expect(app.querySelector('main h1')).toBe(heading);
    expect(heading.textContent).toBe(dictionaries[to]['notFound.title']);
    expect(app.querySelector('main a')).toBe(link);
    expect(link.textContent).toBe(dictionaries[to]['notFound.home']);
    history.replaceState(null, '', '#/');
  });
});

// A signed-in creator with one conversation (c1: a question and its answer), as the server answers.
function signedInServer(): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      const json = (status: number, body: unknown, type = 'application/json'): Response => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
      const conversation = { id: 'c1', title: 'Hooks', createdAt: '2026-11-30T10:00:00Z', updatedAt: '2026-11-30T10:01:00Z' };
      if (url.endsWith('/api/me')) return json(200, { userId: 'u1', email: 'lea@example.com', locale: 'fr', createdAt: '2026-11-01T10:00:00Z', acceptedPolicyVersion: '2.0.0', currentPolicyVersion: '2.0.0', newerPolicyAwaits: false, upcomingPolicy: null, upcomingTerms: null, restricted: false, objectsToInsights: false, operator: false });
      if (url.endsWith('/api/me/profile')) return json(404, { status: 404, code: 'no-profile' }, 'application/problem+json');
      if (url.endsWith('/api/health')) return json(200, { status: 'ok', model: 'fake' });
      if (url.endsWith('/api/conversations')) return json(200, { items: [conversation] });
      if (url.endsWith('/api/conversations/c1'))
        return json(200, {
          conversation,
          messages: [
            { id: 'm1', role: 'user', text: 'Un hook ?', createdAt: '2026-11-30T10:00:00Z', status: 'complete' },
            { id: 'm2', role: 'assistant', text: 'Posez une question.', createdAt: '2026-11-30T10:01:00Z', status: 'complete', mode: 'live', sources: [] },
          ],
          next: null,
        });
      if (url.includes('/api/policy')) return json(200, { current: '2.0.0', upcoming: null, versions: [], version: '2.0.0', date: '2026-12-01', effective: '2026-12-01', material: true, documents: { fr: '# Politique', en: '# Policy' }, minimumAge: 16 });
      return json(404, { status: 404, code: 'not-found' }, 'application/problem+json');
    }),
  );
}

describe('main.ts with signals', () => {
  it('the chat follows a language switch in place: same elements, typed text kept, messages\' meta and shell in English', async () => {
    signedInServer();
    // The first test's visit left the app signed out and checked: this one starts from scratch.
    const { session } = await import('./state');
    session.checked = false;
    history.replaceState(null, '', '#/chat/c1');
    const app = document.createElement('div');
    document.body.append(app);
    const { startApp } = await import('./main');
    await startApp(app);
    const answer = (): HTMLElement | null => app.querySelector('.msg-assistant');
    await vi.waitFor(() => expect(answer()).not.toBeNull());
    const bubble = answer();
    expect(bubble?.querySelector('.msg-meta')?.textContent).toContain(dictionaries.fr['chat.aiGenerated']);
    const input = app.querySelector<HTMLTextAreaElement>('[data-testid="chat-input"]')!;
    input.value = 'Une idée de hook ?';
    const fetches = vi.mocked(fetch).mock.calls.length;
    app.querySelector<HTMLButtonElement>('[data-testid="lang-switch"]')!.click();

    expect(app.querySelector('[data-testid="ai-disclosure"]')?.textContent).toContain(dictionaries.en['chat.aiTitle']);
    expect(answer()).toBe(bubble); // not rebuilt
    expect(bubble?.querySelector('.msg-meta')?.textContent).toContain(dictionaries.en['chat.aiGenerated']);
    expect(bubble?.getAttribute('aria-label')).toBe(dictionaries.en['chat.fromCoach']);
    expect(app.querySelector('[data-testid="chat-input"]')).toBe(input);
    expect(input.value).toBe('Une idée de hook ?');
    expect(input.getAttribute('placeholder')).toBe(dictionaries.en['chat.placeholder']);
    expect(app.querySelector('[data-testid="nav-chat"]')?.textContent).toBe(dictionaries.en['nav.chat']);
    expect(app.querySelector('footer')?.textContent).toContain(dictionaries.en['footer.tagline']);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('lang-switch');
    expect(vi.mocked(fetch).mock.calls.length).toBe(fetches); // nothing fetched again

    // Leaving the chat disposes its effects: going back and forth does not grow the number running.
    const { liveEffects } = await import('./scope');
    const settle = async (hash: string, ready: () => boolean): Promise<void> => {
      location.hash = hash;
      await vi.waitFor(() => expect(ready()).toBe(true));
    };
    await settle('#/policy', () => app.querySelector('main h1') !== null && !app.querySelector('.msg'));
    const onPolicy = liveEffects();
    for (let i = 0; i < 3; i += 1) {
      await settle('#/chat/c1', () => answer() !== null);
      await settle('#/policy', () => app.querySelector('main h1') !== null && !app.querySelector('.msg'));
    }
    expect(liveEffects()).toBe(onPolicy);
  });
});
