// What a person typed or ticked in a view, kept across a re-render of the same view (a language switch rebuilds
// the view in the other language; the form must not lose what was entered).

export interface FieldState {
  key: string;
  value?: string;
  checked?: boolean;
}

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const SKIPPED = new Set(['file', 'password', 'hidden', 'submit', 'button', 'reset', 'image']);

function fields(container: ParentNode): Field[] {
  return Array.from(container.querySelectorAll<Field>('input, textarea, select')).filter((f) => !(f instanceof HTMLInputElement && SKIPPED.has(f.type)));
}

/** A field's name in the view: its name, test id or id (radios also by value), and its rank among namesakes. */
function keys(list: Field[]): string[] {
  const seen = new Map<string, number>();
  return list.map((f) => {
    const base = f.getAttribute('name') || f.dataset.testid || f.id || f.tagName; // ids may be generated per render
    const name = f instanceof HTMLInputElement && (f.type === 'radio' || f.type === 'checkbox') ? `${base}=${f.value}` : base;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return `${name}#${n}`;
  });
}

const isToggle = (f: Field): f is HTMLInputElement => f instanceof HTMLInputElement && (f.type === 'checkbox' || f.type === 'radio');

export function captureFields(container: ParentNode): FieldState[] {
  const list = fields(container);
  const names = keys(list);
  return list.map((f, i) => (isToggle(f) ? { key: names[i] ?? '', checked: f.checked } : { key: names[i] ?? '', value: f.value }));
}

/**
 * Puts the captured values back into the fields of the rebuilt view that have the same name, and tells the view
 * (an input or change event, as if typed) so its counters and buttons follow. Fields that did not change are left
 * alone, so nothing is sent again.
 */
export function restoreFields(container: ParentNode, states: FieldState[]): number {
  const byKey = new Map(states.map((s) => [s.key, s]));
  const list = fields(container);
  const names = keys(list);
  let restored = 0;
  list.forEach((f, i) => {
    const state = byKey.get(names[i] ?? '');
    if (!state) return;
    if (isToggle(f)) {
      if (state.checked === undefined || f.checked === state.checked) return;
      f.checked = state.checked;
      f.dispatchEvent(new Event('change', { bubbles: true }));
    } else {
      if (state.value === undefined || f.value === state.value) return;
      f.value = state.value;
      f.dispatchEvent(new Event(f instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    }
    restored += 1;
  });
  return restored;
}
