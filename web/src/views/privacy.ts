import { ApiError, del, get, post, put, type ActivityEvent, type ConsentItem, type ExportItem, type RequestItem, type UserSummary } from '../api';
import { h, replace, uid } from '../dom';
import { fmtDate, fmtDateTime, lang, t, tryT, type Key } from '../i18n';
import type { ViewContext } from '../router';
import { fill, liveText, said, tx, type Said } from '../scope';
import { loadUser, session, signedOut, takeNotice } from '../state';
import { confirmDialog, errorText, notice, pageHeader, spinner, statusSlot } from '../ui';

/** A friendly line when a privacy endpoint is not deployed yet, the error text otherwise (both follow the language). */
function unavailable(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.isMissingEndpoint) return notice('info', tx('privacy.comingSoon'));
  return notice('error', liveText(() => errorText(error)));
}

/** Fills `slot` with `unavailable(error)`, said again in each language until the slot is filled again. */
function showUnavailable(slot: Element, error: unknown): void {
  fill(slot, () => unavailable(error));
}

/** A muted line of text that follows the language. */
function muted(text: () => string): HTMLElement {
  return h('p', { class: 'muted small' }, liveText(text));
}

function card(title: Key, testId: string, ...children: (Node | null)[]): HTMLElement {
  const id = uid('sec');
  return h('section', { class: 'card stack', 'aria-labelledby': id, 'data-testid': testId }, h('h2', { id }, tx(title)), children);
}

function toggle(labelText: Said, description: Said, checked: boolean, testId: string, onChange: (on: boolean) => Promise<void>): HTMLElement {
  const id = uid('sw');
  const input = h('input', { type: 'checkbox', role: 'switch', id, checked, 'data-testid': testId, 'aria-describedby': `${id}-desc` });
  const status = statusSlot();
  input.addEventListener('change', async () => {
    const wanted = input.checked;
    input.disabled = true;
    status.hide();
    try {
      await onChange(wanted);
      status.show('success', () => t('privacy.saved'));
    } catch (error) {
      input.checked = !wanted;
      showUnavailable(status, error);
    } finally {
      input.disabled = false;
    }
  });
  return h('div', { class: 'toggle' }, h('div', { class: 'toggle-row' }, h('label', { for: id }, said(labelText)), input), h('p', { class: 'muted small', id: `${id}-desc` }, said(description)), status);
}

export async function renderPrivacy({ main, navigate, isStale }: ViewContext): Promise<void> {
  // Every text below is live (tx, liveText, status lines given as functions; dates format in the language of the
  // moment): a language switch changes them in place and leaves the lists loaded, the toggles and what was typed.
  const user = session.user as UserSummary;
  const top = statusSlot();
  const message = takeNotice();
  if (message) {
    top.show('success', message);
  }

  // ---- export ----
  const exportList = h('ul', { class: 'item-list', 'data-testid': 'export-list' });
  const exportStatus = statusSlot();
  const exportButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'export-request' }, tx('privacy.exportButton'));
  let pollTimer = 0;
  const showExports = (items: ExportItem[]): void => {
    if (items.length === 0) {
      fill(exportList, () => h('li', { class: 'muted small' }, tx('privacy.exportNone')));
      return;
    }
    fill(
      exportList,
      () =>
        items.map((item) =>
          h(
            'li',
            { class: 'item', 'data-status': item.status },
            h(
              'div',
              null,
              h('p', { class: 'item-title' }, liveText(() => t('privacy.exportOf', { date: fmtDateTime(item.createdAt) }))),
              muted(() => (item.status === 'ready' && item.expiresAt ? t('privacy.exportExpires', { date: fmtDate(item.expiresAt) }) : '')),
            ),
            h('span', { class: `pill pill-${item.status}` }, liveText(() => tryT(`privacy.exportStatus.${item.status}`) ?? item.status)),
            item.status === 'ready'
              ? h('a', { class: 'btn btn-secondary btn-small', href: `/api/me/exports/${encodeURIComponent(item.id)}/download`, download: `jimp-export-${item.id}.zip`, 'data-testid': 'export-download' }, tx('privacy.exportDownload'))
              : null,
          ),
        ),
    );
  };
  const loadExports = async (): Promise<void> => {
    try {
      const page = await get<{ items: ExportItem[] }>('/api/me/exports');
      if (isStale()) return;
      showExports(page.items);
      window.clearTimeout(pollTimer);
      if (page.items.some((i) => i.status === 'pending')) pollTimer = window.setTimeout(() => void loadExports(), 2500);
    } catch (error) {
      if (!isStale()) fill(exportList, () => h('li', null, unavailable(error)));
    }
  };
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    exportStatus.hide();
    try {
      await post('/api/me/exports');
      exportStatus.show('success', () => t('privacy.exportStarted'));
      await loadExports();
    } catch (error) {
      showUnavailable(exportStatus, error);
    } finally {
      exportButton.disabled = false;
    }
  });

  // ---- consents, objection, restriction ----
  const consents = h('div', { class: 'stack', 'data-testid': 'consents' }, spinner(tx('common.loading')));
  const objection = toggle(() => t('privacy.objectionLabel'), () => t('privacy.objectionBody'), user.objectsToInsights, 'objection-toggle', async (on) => {
    const answer = await put<{ objectsToInsights: boolean }>('/api/me/objection', { insights: on });
    user.objectsToInsights = answer.objectsToInsights;
  });
  const restriction = toggle(() => t('privacy.restrictionLabel'), () => t('privacy.restrictionBody'), user.restricted, 'restriction-toggle', async (on) => {
    const answer = on ? await put<{ restricted: boolean }>('/api/me/restriction') : await del<{ restricted: boolean }>('/api/me/restriction');
    user.restricted = answer.restricted;
  });

  // ---- requests, activity ----
  const requests = h('div', { 'data-testid': 'requests' }, spinner(tx('common.loading')));
  const activity = h('div', { 'data-testid': 'activity' }, spinner(tx('common.loading')));

  // ---- account ----
  const emailInput = h('input', { type: 'email', id: 'new-email', autocomplete: 'email', required: true, 'data-testid': 'new-email' });
  const emailStatus = statusSlot();
  const emailForm = h('form', { class: 'inline-form', novalidate: true }, h('div', { class: 'field' }, h('label', { for: 'new-email' }, tx('privacy.emailNew')), h('div', { class: 'input-row' }, emailInput, h('button', { type: 'submit', class: 'btn btn-secondary', 'data-testid': 'change-email' }, tx('privacy.emailButton')))), emailStatus);
  emailForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = emailInput.value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      emailStatus.show('error', () => t('signin.errorEmail'));
      emailInput.focus();
      return;
    }
    try {
      await post('/api/me/email', { newEmail: value });
      emailStatus.show('success', () => t('privacy.emailSent', { email: value }));
      emailInput.value = '';
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) emailStatus.show('error', () => Object.values(error.fieldErrors).flat().join(' ') || errorText(error));
      else showUnavailable(emailStatus, error);
    }
  });

  const sessionsStatus = statusSlot();
  const logout = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'logout' }, tx('nav.signOut'));
  const logoutAll = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'logout-all' }, tx('privacy.signOutAll'));
  logout.addEventListener('click', async () => {
    await post('/api/auth/logout').catch(() => undefined);
    signedOut(() => t('signin.signedOut'));
    navigate('#/');
  });
  logoutAll.addEventListener('click', async () => {
    try {
      const answer = await post<{ revoked: number }>('/api/auth/logout-all');
      signedOut(() => t('privacy.signedOutAll', { n: answer?.revoked ?? 0 }));
      navigate('#/');
    } catch (error) {
      showUnavailable(sessionsStatus, error);
    }
  });

  // ---- erasure ----
  const eraseStatus = statusSlot();
  const eraseButton = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'delete-account' }, tx('privacy.deleteButton'));
  eraseButton.addEventListener('click', async () => {
    const confirmInput = h('input', { type: 'email', id: 'delete-confirm', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'delete-confirm' });
    const matches = (): boolean => confirmInput.value.trim().toLowerCase() === user.email.toLowerCase();
    const ok = await confirmDialog({
      title: t('privacy.deleteTitle'),
      body: [h('p', null, t('privacy.deleteBody')), h('label', { for: 'delete-confirm' }, t('privacy.deleteConfirmLabel', { email: user.email })), confirmInput],
      confirmLabel: t('privacy.deleteConfirm'),
      danger: true,
      canConfirm: matches,
      testId: 'delete-dialog',
    });
    if (!ok) return;
    eraseButton.disabled = true;
    try {
      await post('/api/me/erasure', { confirm: confirmInput.value.trim() });
      await post('/api/auth/logout').catch(() => undefined);
      signedOut(() => t('privacy.deleted'));
      navigate('#/');
    } catch (error) {
      showUnavailable(eraseStatus, error);
      eraseButton.disabled = false;
    }
  });

  replace(
    main,
    h(
      'div',
      { class: 'narrow privacy' },
      pageHeader(tx('privacy.title'), tx('privacy.lead')),
      top,
      h('p', { class: 'muted small signed-in-as' }, tx('privacy.signedInAs'), h('strong', { class: 'break' }, user.email)),
      card('privacy.exportTitle', 'export-section', h('p', null, tx('privacy.exportBody')), h('div', null, exportButton), exportStatus, exportList),
      card('privacy.choicesTitle', 'choices-section', consents, objection, restriction),
      card('privacy.requestsTitle', 'requests-section', muted(() => t('privacy.requestsBody')), requests),
      card('privacy.activityTitle', 'activity-section', muted(() => t('privacy.activityBody')), activity),
      card('privacy.accountTitle', 'account-section', emailForm, h('div', { class: 'button-row' }, logout, logoutAll), sessionsStatus),
      h('section', { class: 'card stack danger-zone', 'aria-labelledby': 'erase-title', 'data-testid': 'erase-section' }, h('h2', { id: 'erase-title' }, tx('privacy.deleteTitle')), h('p', null, tx('privacy.deleteIntro')), h('div', null, eraseButton), eraseStatus),
      h('p', { class: 'muted small' }, tx('privacy.policyLink'), ' ', h('a', { href: '#/policy' }, tx('footer.policy')), '.'),
    ),
  );

  void loadExports();
  void get<{ items: ConsentItem[] }>('/api/me/consents')
    .then((page) => {
      if (isStale()) return;
      if (page.items.length === 0) {
        fill(consents, () => muted(() => t('privacy.consentsNone')));
        return;
      }
      fill(
        consents,
        () =>
          page.items.map((item) =>
            toggle(() => (lang() === 'en' ? item.en : item.fr), () => (lang() === 'en' ? item.descriptionEn : item.descriptionFr) ?? '', item.granted, `consent-${item.purpose}`, async (on) => {
              await put(`/api/me/consents/${encodeURIComponent(item.purpose)}`, { granted: on });
            }),
          ),
      );
    })
    .catch((error: unknown) => fill(consents, () => unavailable(error)));

  void get<{ items: RequestItem[] }>('/api/me/requests')
    .then((page) => {
      if (isStale()) return;
      if (page.items.length === 0) {
        fill(requests, () => muted(() => t('privacy.requestsNone')));
        return;
      }
      fill(
        requests,
        () =>
          h(
            'ul',
            { class: 'item-list' },
            page.items.map((r) =>
              h(
                'li',
                { class: 'item' },
                h(
                  'div',
                  null,
                  h('p', { class: 'item-title' }, liveText(() => tryT(`privacy.requestType.${r.type}`) ?? r.type)),
                  muted(() => `${t('privacy.requestReceived', { date: fmtDate(r.receivedAt) })} · ${r.completedAt ? t('privacy.requestCompleted', { date: fmtDate(r.completedAt) }) : t('privacy.requestDue', { date: fmtDate(r.extension?.until ?? r.dueAt) })}`),
                  r.extension ? muted(() => t('privacy.requestExtended', { date: fmtDate(r.extension!.until), reason: r.extension!.reason })) : null,
                ),
                h('span', { class: `pill pill-${r.status}` }, liveText(() => tryT(`privacy.requestStatus.${r.status}`) ?? r.status)),
              ),
            ),
          ),
      );
    })
    .catch((error: unknown) => fill(requests, () => unavailable(error)));

  void get<{ events: ActivityEvent[] }>('/api/me/activity')
    .then((page) => {
      if (isStale()) return;
      if (page.events.length === 0) {
        fill(activity, () => muted(() => t('privacy.activityNone')));
        return;
      }
      fill(
        activity,
        () =>
          h(
            'ul',
            { class: 'item-list compact' },
            page.events.slice(0, 20).map((e) =>
              h(
                'li',
                { class: 'item' },
                h('div', null, h('p', { class: 'item-title' }, liveText(() => tryT(`privacy.event.${e.event}`) ?? e.event.replace(/[-_.]/g, ' '))), muted(() => [fmtDateTime(e.at), e.userAgentFamily, e.ipPrefix].filter(Boolean).join(' · '))),
              ),
            ),
          ),
      );
    })
    .catch((error: unknown) => fill(activity, () => unavailable(error)));

  // Refresh the summary so the toggles show the server's state (e.g. after an e-mail change).
  void loadUser()
    .then((fresh) => {
      if (!fresh && !isStale()) navigate('#/');
    })
    .catch(() => undefined);
}
