import { describe, expect, it } from 'vitest';
import { captureFields, restoreFields } from './fields';

function form(): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = `
    <input id="name" value="">
    <textarea data-testid="details"></textarea>
    <select name="country"><option value="FR">FR</option><option value="BE">BE</option></select>
    <input type="checkbox" name="niche" value="beauty"><input type="checkbox" name="niche" value="home">
    <input type="radio" name="level" value="a"><input type="radio" name="level" value="b">
    <input type="password" id="secret">`;
  return root;
}

describe('fields kept across a re-render', () => {
  it('puts back text, choices and ticks by name, and tells the view', () => {
    const old = form();
    old.querySelector<HTMLInputElement>('#name')!.value = 'Léa';
    old.querySelector<HTMLTextAreaElement>('textarea')!.value = 'peaux sensibles';
    old.querySelector<HTMLSelectElement>('select')!.value = 'BE';
    old.querySelector<HTMLInputElement>('[value="home"]')!.checked = true;
    old.querySelector<HTMLInputElement>('[value="b"]')!.checked = true;
    old.querySelector<HTMLInputElement>('#secret')!.value = 'x';
    const states = captureFields(old);

    const fresh = form();
    const events: string[] = [];
    fresh.addEventListener('input', (e) => events.push(`input ${(e.target as HTMLElement).tagName}`));
    fresh.addEventListener('change', (e) => events.push(`change ${(e.target as HTMLInputElement).value}`));
    expect(restoreFields(fresh, states)).toBe(5);
    expect(fresh.querySelector<HTMLInputElement>('#name')!.value).toBe('Léa');
    expect(fresh.querySelector<HTMLTextAreaElement>('textarea')!.value).toBe('peaux sensibles');
    expect(fresh.querySelector<HTMLSelectElement>('select')!.value).toBe('BE');
    expect(fresh.querySelector<HTMLInputElement>('[value="home"]')!.checked).toBe(true);
    expect(fresh.querySelector<HTMLInputElement>('[value="beauty"]')!.checked).toBe(false);
    expect(fresh.querySelector<HTMLInputElement>('[value="b"]')!.checked).toBe(true);
    expect(fresh.querySelector<HTMLInputElement>('#secret')!.value).toBe(''); // never copied
    expect(events).toEqual(['input INPUT', 'input TEXTAREA', 'change BE', 'change home', 'change b']);
  });

  it('leaves unchanged fields alone (nothing is sent again)', () => {
    const states = captureFields(form());
    const fresh = form();
    let events = 0;
    fresh.addEventListener('input', () => (events += 1));
    fresh.addEventListener('change', () => (events += 1));
    expect(restoreFields(fresh, states)).toBe(0);
    expect(events).toBe(0);
  });
});
