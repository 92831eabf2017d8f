import { describe, expect, it } from 'vitest';
import { PRIVATE, parseRoute } from './router';

describe('the router (importing it does not boot the app)', () => {
  it('maps hashes to routes', () => {
    expect(parseRoute('').name).toBe('signin');
    expect(parseRoute('#/').name).toBe('signin');
    expect(parseRoute('#/chat').name).toBe('chat');
    expect(parseRoute('#/chat/abc%20d')).toMatchObject({ name: 'chat', id: 'abc d' });
    expect(parseRoute('#/trends?kind=songs').params.get('kind')).toBe('songs');
    expect(parseRoute('#/privacy/extra').name).toBe('notfound');
    expect(parseRoute('#/nowhere').name).toBe('notfound');
  });

  it('needs a session for the private routes only', () => {
    expect(PRIVATE.has('chat')).toBe(true);
    expect(PRIVATE.has('signin')).toBe(false);
    expect(PRIVATE.has('policy')).toBe(false);
    // The terms of use (CGU) must be readable before anyone accepts them.
    expect(parseRoute('#/terms')).toMatchObject({ name: 'terms' });
    expect(PRIVATE.has('terms')).toBe(false);
    // The unsubscribe link of an e-mail works without signing in (RFC 8058 and its web page).
    expect(parseRoute('#/unsubscribe?t=abc.marketing-emails.sig')).toMatchObject({ name: 'unsubscribe' });
    expect(parseRoute('#/unsubscribe?t=abc.marketing-emails.sig').params.get('t')).toBe('abc.marketing-emails.sig');
    expect(PRIVATE.has('unsubscribe')).toBe(false);
  });

  it('has no side effect on import: no #app is rendered', () => {
    expect(document.getElementById('app')).toBeNull();
    expect(document.body.children.length).toBe(0);
  });
});
