/** What the app knows about the signed-in user, shared by the views. */
import { ApiError, get, type Profile, type ProfileOptions, type UserSummary } from './api';

export const session: {
  user: UserSummary | null;
  checked: boolean;
  profile: Profile | null | undefined;
  options: ProfileOptions | null;
  notice: string | null;
} = { user: null, checked: false, profile: undefined, options: null, notice: null };

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

export function signedOut(notice: string | null = null): void {
  session.user = null;
  session.profile = undefined;
  session.notice = notice;
}
