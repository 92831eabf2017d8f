/** What the app knows about the signed-in user, shared by the views: signals, read through `session`. */
import { batch, signal } from '@preact/signals-core';
import { ApiError, get, type Profile, type ProfileOptions, type UserSummary } from './api';

/** The signed-in user (null when signed out): the shell's nav and banners follow it. */
export const user = signal<UserSummary | null>(null);
/** Whether /api/me has answered once. */
export const checked = signal(false);
/** The creator's profile: undefined until loaded, null before onboarding. */
export const profile = signal<Profile | null | undefined>(undefined);
export const options = signal<ProfileOptions | null>(null);
/**
 * A message for the next page (signed out, e-mail changed), as a function so that it is said in the language of the
 * moment (the page shows it as a live text). The page that shows it takes it (takeNotice).
 */
export const notice = signal<(() => string) | null>(null);

/**
 * The same state as plain properties (views read and write `session.user` as before); each property is its
 * signal's value, so a read inside an `effect` subscribes to it.
 */
export const session: {
  user: UserSummary | null;
  checked: boolean;
  profile: Profile | null | undefined;
  options: ProfileOptions | null;
  notice: (() => string) | null;
} = {
  get user() {
    return user.value;
  },
  set user(value) {
    user.value = value;
  },
  get checked() {
    return checked.value;
  },
  set checked(value) {
    checked.value = value;
  },
  get profile() {
    return profile.value;
  },
  set profile(value) {
    profile.value = value;
  },
  get options() {
    return options.value;
  },
  set options(value) {
    options.value = value;
  },
  get notice() {
    return notice.value;
  },
  set notice(value) {
    notice.value = value;
  },
};

/** GET /api/me: null when signed out (401) or when the server has no accounts yet. */
export async function loadUser(): Promise<UserSummary | null> {
  try {
    session.user = await get<UserSummary>('/api/me');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500 && error.status !== 501) {
      session.checked = true;
      throw error;
    }
    session.user = null;
  }
  session.checked = true;
  return session.user;
}

/** The profile, or null before onboarding (404 no-profile). */
export async function loadProfile(force = false): Promise<Profile | null> {
  if (session.profile !== undefined && !force) return session.profile;
  try {
    session.profile = await get<Profile>('/api/me/profile');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code !== 'no-route') {
      session.profile = null;
    } else {
      throw error;
    }
  }
  return session.profile;
}

export async function loadOptions(): Promise<ProfileOptions> {
  session.options ??= await get<ProfileOptions>('/api/profile/options');
  return session.options;
}

export function signedOut(message: (() => string) | null = null): void {
  batch(() => {
    session.user = null;
    session.profile = undefined;
    session.notice = message;
  });
}

/** The message for this page, if any (shown once: the next page will not show it again). */
export function takeNotice(): (() => string) | null {
  const message = notice.peek();
  notice.value = null;
  return message;
}
