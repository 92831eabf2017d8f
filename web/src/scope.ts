// A view's lifetime for its effects. Each render of a route gets a scope; the effects made while it is the
// active scope (live texts, attributes and regions that follow the language and the session) are disposed
// when the router renders the next route, so nothing a left view made keeps running (scope.test.ts).
import { effect } from '@preact/signals-core';
import { replace } from './dom';
import { t, type Key } from './i18n';

type Child = Node | string | number | null | undefined | false;

export interface Scope {
  /** Runs `fn` now and again whenever a signal it read changes, until the scope is disposed. */
  effect: (fn: () => void) => void;
  /** Runs `fn` when the scope is disposed. */
  onDispose: (fn: () => void) => void;
  dispose: () => void;
  readonly disposed: boolean;
}

let live = 0;

/** How many effects made through scopes are running (for tests: a left view must leave none). */
export function liveEffects(): number {
  return live;
}

export function createScope(): Scope {
  const disposers: (() => void)[] = [];
  let disposed = false;
  return {
    effect: (fn) => {
      if (disposed) return;
      const stop = effect(fn);
      live += 1;
      disposers.push(() => {
        stop();
        live -= 1;
      });
    },
    onDispose: (fn) => {
      if (disposed) fn();
      else disposers.push(fn);
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const stop of disposers.splice(0)) stop();
    },
    get disposed() {
      return disposed;
    },
  };
}

/** The scope of the route on screen (main.ts sets it for each render); the shell's own scope lives with the app. */
let active: Scope = createScope();

export function setActiveScope(scope: Scope): void {
  active = scope;
}

export function activeScope(): Scope {
  return active;
}

/** A text node whose text follows `text()` (a `t(...)` call follows the language). */
export function liveText(text: () => string, scope: Scope = active): Text {
  const node = document.createTextNode('');
  scope.effect(() => {
    node.data = text();
  });
  return node;
}

/** A text node with `t(key, vars)` in the language of the moment. */
export function tx(key: Key, vars?: Record<string, string | number>): Text {
  return liveText(() => t(key, vars));
}

/** Keeps an attribute of `el` equal to `value()` (null removes it); returns `el`. */
export function liveAttr<E extends Element>(el: E, name: string, value: () => string | null, scope: Scope = active): E {
  scope.effect(() => {
    const v = value();
    if (v === null) el.removeAttribute(name);
    else el.setAttribute(name, v);
  });
  return el;
}

/**
 * Keeps the children of `el` equal to what `render()` returns, rebuilt when a signal it read changes; the live
 * texts made by `render` belong to that build and stop with it. Returns `el`.
 */
export function liveRegion<E extends Element>(el: E, render: () => Child | Child[], scope: Scope = active): E {
  let build: Scope | null = null;
  scope.effect(() => {
    build?.dispose();
    const current = createScope();
    build = current;
    within(current, () => replace(el, render()));
  });
  scope.onDispose(() => build?.dispose());
  return el;
}

/** A text a view gives a helper: a string (said once) or a function (`() => t(...)`: said again in each language). */
export type Said = string | (() => string);

/** `text` as a child of h(): a function becomes a live text of the active scope. */
export function said(text: Said): Text | string {
  return typeof text === 'function' ? liveText(text) : text;
}

const filled = new WeakMap<Element, Scope>();

/**
 * Fills a slot of a view again (a field's error, a status line): `render()`'s live texts follow the language until
 * the slot is filled again or emptied (`render` null), or the view's scope ends. A slot filled many times keeps
 * only its last filling's effects (scope.test.ts).
 */
export function fill(el: Element, render: (() => Child | Child[]) | null, scope: Scope = active): void {
  filled.get(el)?.dispose();
  filled.delete(el);
  if (!render) {
    replace(el);
    return;
  }
  const own = createScope();
  filled.set(el, own);
  scope.onDispose(() => own.dispose());
  within(own, () => replace(el, render()));
}

/**
 * Fills a slot with what `render()` returns and keeps it so: rebuilt when a signal it read changes (the language),
 * like liveRegion; filled again (a list reloaded), the previous filling stops, as with fill.
 */
export function fillLive(el: Element, render: () => Child | Child[], scope: Scope = active): void {
  filled.get(el)?.dispose();
  const own = createScope();
  filled.set(el, own);
  scope.onDispose(() => own.dispose());
  liveRegion(el, render, own);
}

/** Runs `work` with `scope` as the active scope (the live texts it makes belong to it), then the outer one again. */
function within(scope: Scope, work: () => void): void {
  const outer = active;
  active = scope;
  try {
    work();
  } finally {
    active = outer;
  }
}
