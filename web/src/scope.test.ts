import { afterEach, describe, expect, it } from 'vitest';
import { signal } from '@preact/signals-core';
import { h } from './dom';
import { dictionaries, language, setLang, t } from './i18n';
import { createScope, liveAttr, liveEffects, liveRegion, liveText, tx } from './scope';

afterEach(() => setLang('fr'));

describe('scope.ts', () => {
  it('a live text and attribute follow the language until their scope is disposed', () => {
    setLang('fr');
    const scope = createScope();
    const before = liveEffects();
    const el = liveAttr(h('p', null, tx('chat.aiTitle', undefined)), 'title', () => t('chat.send'), scope);
    // tx used the active scope; this one uses `scope`: both are live.
    const text = liveText(() => language.value, scope);
    el.append(text);
    expect(el.textContent).toBe(`${dictionaries.fr['chat.aiTitle']}fr`);
    expect(liveEffects()).toBe(before + 3);
    setLang('en');
    expect(el.firstChild?.textContent).toBe(dictionaries.en['chat.aiTitle']);
    expect(el.getAttribute('title')).toBe(dictionaries.en['chat.send']);
    scope.dispose();
    expect(liveEffects()).toBe(before + 1); // tx's effect is in the active scope, not in `scope`
    setLang('fr');
    expect(el.getAttribute('title')).toBe(dictionaries.en['chat.send']); // disposed: no longer updated
    expect(text.data).toBe('en');
  });

  it('a live region rebuilds its children, and the live texts of a build stop with it (no growth)', () => {
    const scope = createScope();
    const before = liveEffects();
    const items = signal(['a']);
    const box = liveRegion(h('ul'), () => items.value.map((x) => h('li', null, x, liveText(() => `-${x}`))), scope);
    expect(box.textContent).toBe('a-a');
    const once = liveEffects();
    expect(once).toBe(before + 2);
    for (let i = 0; i < 20; i += 1) items.value = ['b'];
    items.value = ['c'];
    expect(box.textContent).toBe('c-c');
    expect(liveEffects()).toBe(once);
    scope.dispose();
    expect(liveEffects()).toBe(before);
    items.value = ['d'];
    expect(box.textContent).toBe('c-c');
  });
});
