/**
 * Every name JIMP stores in the browser, in one place. The privacy policy's cookie table (section 11)
 * refers to this list, and the browser tests read storage-keys.json to check that nothing else is set.
 * Adding a key here means updating the policy first.
 */
import keys from './storage-keys.json';

/** The session cookie: set by the API (HttpOnly, Secure, SameSite=Lax), never read by this code. */
export const SESSION_COOKIE = 'jimp_session';

/** The interface language (`fr` or `en`), on this device only. */
export const LANG_KEY = 'jimp.lang';

export const COOKIES: readonly string[] = keys.cookies;
export const LOCAL_STORAGE_KEYS: readonly string[] = keys.localStorage;
export const SESSION_STORAGE_KEYS: readonly string[] = keys.sessionStorage;

/** Everything stored in the browser: cookies, then local storage keys. */
export const STORAGE_KEYS: readonly string[] = [...COOKIES, ...LOCAL_STORAGE_KEYS, ...SESSION_STORAGE_KEYS];

if (!COOKIES.includes(SESSION_COOKIE) || !LOCAL_STORAGE_KEYS.includes(LANG_KEY)) {
  throw new Error('storage-keys.json and storage-keys.ts disagree');
}
