import { describe, expect, it } from 'vitest';
import { dictionaries, en, fr } from './i18n';
import { LANG_KEY, LOCAL_STORAGE_KEYS, SESSION_COOKIE, STORAGE_KEYS } from './storage-keys';

describe('i18n', () => {
  it('has the same keys in French and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('has no empty string and the same {placeholders} in both languages', () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(fr[key].length, key).toBeGreaterThan(0);
      expect(en[key].length, key).toBeGreaterThan(0);
      const names = (s: string): string[] => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(names(en[key]), key).toEqual(names(fr[key]));
    }
  });

  it('offers exactly French and English', () => {
    expect(Object.keys(dictionaries).sort()).toEqual(['en', 'fr']);
  });
});

describe('storage keys', () => {
  it('lists one cookie and one local storage key, as the policy says', () => {
    expect(STORAGE_KEYS).toEqual([SESSION_COOKIE, LANG_KEY]);
    expect(LOCAL_STORAGE_KEYS).toEqual(['jimp.lang']);
  });
});
