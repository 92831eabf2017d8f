// The router: the routes, what a view receives, and how a location hash maps to a route. No side effects, so
// views and tests import it without booting the app (main.ts's startApp boots it, called by index.ts).
import { signal } from '@preact/signals-core';
import type { Scope } from './scope';

export interface Route {
  name: 'signin' | 'verify' | 'onboarding' | 'chat' | 'knowledge' | 'trends' | 'privacy' | 'policy' | 'terms' | 'operator' | 'workspace' | 'confirm-request' | 'unsubscribe' | 'notfound';
  params: URLSearchParams;
  id?: string;
}

export interface ViewContext {
  route: Route;
  main: HTMLElement;
  navigate: (hash: string, options?: { replace?: boolean }) => void;
  /** True once another route has been rendered: long-running work should stop writing to this view. */
  isStale: () => boolean;
  /**
   * The view's effects: disposed when another route is rendered. Every view's texts follow the language in place
   * through them (tx, liveText, liveAttr, fill): a language switch renders nothing again.
   */
  scope: Scope;
}

/** A view: renders the route into context.main (what it awaits is the view's first paint). */
export type View = (context: ViewContext) => Promise<void> | void;

/** The route on screen (main.ts sets it at each render): the shell's nav follows it. */
export const currentRoute = signal<Route>({ name: 'signin', params: new URLSearchParams() });

/** Routes that need a session; the others are public. */
export const PRIVATE = new Set<Route['name']>(['onboarding', 'chat', 'knowledge', 'trends', 'workspace', 'privacy', 'operator']);

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  const first = parts[0] ?? '';
  if (first === '') return { name: 'signin', params };
  if (first === 'chat') return parts[1] ? { name: 'chat', params, id: decodeURIComponent(parts[1]) } : { name: 'chat', params };
  if (first === 'knowledge' && parts.length <= 2) return parts[1] ? { name: 'knowledge', params, id: decodeURIComponent(parts[1]) } : { name: 'knowledge', params };
  if (['verify', 'onboarding', 'trends', 'workspace', 'privacy', 'policy', 'terms', 'operator', 'confirm-request', 'unsubscribe'].includes(first) && parts.length === 1) return { name: first as Route['name'], params };
  return { name: 'notfound', params };
}
