import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { setLang } from './i18n';
import { errorText } from './ui';

const problem = (status: number, code: string) => new ApiError(status, { status, title: 'English title', detail: 'English detail from the server', code });

describe('errorText: the server\'s refusals of a sign-in link in the interface language', () => {
  afterEach(() => setLang('fr'));

  it('says in French, then in English, that the account is being deleted or being created, never the server\'s English', () => {
    for (const [lang, erasing, creating] of [
      ['fr', /en cours de suppression/, /en train de créer son compte/],
      ['en', /is being deleted/, /is creating its JIMP account/],
    ] as const) {
      setLang(lang);
      const deleted = errorText(problem(409, 'account-erasing'));
      const underWay = errorText(problem(409, 'signup-in-progress'));
      expect(deleted).toMatch(erasing);
      expect(underWay).toMatch(creating);
      expect(deleted).not.toContain('English detail');
    }
  });
});
