import { describe, expect, it } from 'vitest';
import { setLang } from '../i18n';
import { sourceChips } from './sources';

describe('source chips', () => {
  it('links the creator\'s own numbers to the workspace, in the user\'s language', () => {
    setLang('fr');
    const chips = sourceChips([
      { type: 'playbook', id: 'hooks-question-curiosity', title: 'Hooks' },
      { type: 'creator-data', id: 'workspace-results', title: 'Tes chiffres (espace créateur)' },
    ])!;
    const link = chips.querySelector('a[data-testid="source-creator-data"]')!;
    expect(link.getAttribute('href')).toBe('#/workspace');
    expect(link.textContent).toBe('Tes chiffres (espace créateur)');
    setLang('en');
    expect(sourceChips([{ type: 'creator-data', id: 'workspace-results', title: 'x' }])!.textContent).toContain('Your numbers (creator workspace)');
  });

  it('links a cited playbook to its sheet in the knowledge base, and shows nothing for an answer that cites nothing', () => {
    setLang('fr');
    const chips = sourceChips([{ type: 'playbook', id: 'hooks-question-curiosity', title: 'Hooks' }])!;
    const link = chips.querySelector('a[data-testid="source-chip"]')!;
    expect(link.getAttribute('href')).toBe('#/knowledge/hooks-question-curiosity');
    expect(link.textContent).toBe('Hooks');
    expect(chips.querySelector('[data-testid="source-creator-data"]')).toBeNull();
    expect(sourceChips(undefined)).toBeNull();
    expect(sourceChips([])).toBeNull();
  });
});
