import { afterEach, describe, expect, it } from 'vitest';
import { h } from './dom';
import { dictionaries, setLang, t } from './i18n';
import { createScope, fill, fillLive, liveEffects, liveText, setActiveScope } from './scope';
import { showFieldErrors, statusSlot } from './ui';

afterEach(() => setLang('fr'));

describe('a slot filled with live texts (status lines, field errors)', () => {
  it('a status line follows the language, and a slot filled again keeps only its last filling live', () => {
    setLang('fr');
    const scope = createScope();
    setActiveScope(scope);
    const before = liveEffects();
    const status = statusSlot();
    for (let i = 0; i < 20; i += 1) status.show('error', () => t('error.network'));
    expect(liveEffects()).toBe(before + 1);
    expect(status.textContent).toBe(dictionaries.fr['error.network']);
    setLang('en');
    expect(status.textContent).toBe(dictionaries.en['error.network']);
    status.hide();
    expect(liveEffects()).toBe(before);
    fill(status, () => liveText(() => t('common.loading')));
    scope.dispose();
    expect(liveEffects()).toBe(before);
  });

  it('a field error given by a translate function is said again in the new language', () => {
    setLang('fr');
    setActiveScope(createScope());
    const form = h('form', null, h('div', { 'data-field': 'email' }, h('input', { name: 'email' }), h('p', { class: 'field-error', hidden: true })));
    showFieldErrors(form, { email: ['x'] }, () => t('signin.errorEmail'));
    const slot = form.querySelector('.field-error')!;
    expect(slot.textContent).toBe(dictionaries.fr['signin.errorEmail']);
    setLang('en');
    expect(slot.textContent).toBe(dictionaries.en['signin.errorEmail']);
    showFieldErrors(form, {});
    expect(slot.textContent).toBe('');
  });

  it('a list filled live is built again in the new language, and filled again (reloaded) only its last list follows', () => {
    setLang('fr');
    const scope = createScope();
    const before = liveEffects();
    const list = h('div');
    let builds = 0;
    const rows = (n: number) => () => {
      builds += 1;
      return h('p', null, `${n} `, t('op.yes'));
    };
    fillLive(list, rows(1), scope);
    fillLive(list, rows(2), scope); // the list reloaded: the first filling stops
    expect(list.textContent).toBe(`2 ${dictionaries.fr['op.yes']}`);
    expect(liveEffects()).toBe(before + 1);
    builds = 0;
    setLang('en');
    expect(list.textContent).toBe(`2 ${dictionaries.en['op.yes']}`);
    expect(builds).toBe(1);
    scope.dispose();
    expect(liveEffects()).toBe(before);
    setLang('fr');
    expect(list.textContent).toBe(`2 ${dictionaries.en['op.yes']}`);
  });
});
