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
  });

  it('switches the language live: the view is rebuilt in English, what was typed stays, no reload', async () => {
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
    app.querySelector<HTMLInputElement>('[data-testid="age-confirm"]')!.checked = true;
    const before = app.querySelector('main');
    app.querySelector<HTMLButtonElement>('[data-testid="lang-switch"]')!.click();

    // The view is rebuilt (its policy version is fetched again), then the typed values are put back.
    await vi.waitFor(() => {
      expect(h1()).toBe(dictionaries.en['signin.title']);
      expect(document.activeElement?.getAttribute('data-testid')).toBe('lang-switch');
    });
    expect(document.documentElement.lang).toBe('en');
    expect(app.querySelector('main')).toBe(before); // the same page, not a reload
    expect(app.querySelector('[data-testid="send-link"]')?.textContent).toBe(dictionaries.en['signin.send']);
    expect(app.querySelector<HTMLInputElement>('[data-testid="email"]')?.value).toBe('lea@example.com');
    expect(app.querySelector<HTMLInputElement>('[data-testid="age-confirm"]')?.checked).toBe(true);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('lang-switch');
    expect(app.querySelector('[data-testid="lang-switch"]')?.textContent).toBe('FR');
  });
});
