import { ApiError, del, get, post, put, type ActivityEvent, type ConsentItem, type ExportItem, type RequestItem, type UserSummary } from '../api';
import { h, replace, uid } from '../dom';
import { fmtDate, fmtDateTime, lang, t, tryT } from '../i18n';
import type { ViewContext } from '../router';
import { loadUser, session, signedOut, takeNotice } from '../state';
import { confirmDialog, errorText, notice, pageHeader, spinner, statusSlot } from '../ui';

/** A friendly line when a privacy endpoint is not deployed yet, the error text otherwise. */
function unavailable(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.isMissingEndpoint) return notice('info', t('privacy.comingSoon'));
  return notice('error', errorText(error));
}

function card(title: string, testId: string, ...children: (Node | null)[]): HTMLElement {
  const id = uid('sec');
  return h('section', { class: 'card stack', 'aria-labelledby': id, 'data-testid': testId }, h('h2', { id }, title), children);
}

function toggle(labelText: string, description: string, checked: boolean, testId: string, onChange: (on: boolean) => Promise<void>): HTMLElement {
  const id = uid('sw');
  const input = h('input', { type: 'checkbox', role: 'switch', id, checked, 'data-testid': testId, 'aria-describedby': `${id}-desc` });
  const status = statusSlot();
  input.addEventListener('change', async () => {
    const wanted = input.checked;
    input.disabled = true;
    status.hide();
    try {
      await onChange(wanted);
      status.show('success', t('privacy.saved'));
    } catch (error) {
      input.checked = !wanted;
      status.replaceChildren(unavailable(error));
    } finally {
      input.disabled = false;
    }
  });
  return h('div', { class: 'toggle' }, h('div', { class: 'toggle-row' }, h('label', { for: id }, labelText), input), h('p', { class: 'muted small', id: `${id}-desc` }, description), status);
}

export async function renderPrivacy({ main, navigate, isStale }: ViewContext): Promise<void> {
  const user = session.user as UserSummary;
  const top = statusSlot();
  const message = takeNotice();
  if (message) {
    top.show('success', message());
  }

  // ---- export ----
  const exportList = h('ul', { class: 'item-list', 'data-testid': 'export-list' });
  const exportStatus = statusSlot();
  const exportButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'export-request' }, t('privacy.exportButton'));
  let pollTimer = 0;
  const showExports = (items: ExportItem[]): void => {
    if (items.length === 0) {
      replace(exportList, h('li', { class: 'muted small' }, t('privacy.exportNone')));
      return;
    }
    replace(
      exportList,
      items.map((item) =>
        h(
          'li',
          { class: 'item', 'data-status': item.status },
          h('div', null, h('p', { class: 'item-title' }, t('privacy.exportOf', { date: fmtDateTime(item.createdAt) })), h('p', { class: 'muted small' }, item.status === 'ready' && item.expiresAt ? t('privacy.exportExpires', { date: fmtDate(item.expiresAt) }) : '')),
          h('span', { class: `pill pill-${item.status}` }, tryT(`privacy.exportStatus.${item.status}`) ?? item.status),
          item.status === 'ready'
            ? h('a', { class: 'btn btn-secondary btn-small', href: `/api/me/exports/${encodeURIComponent(item.id)}/download`, download: `jimp-export-${item.id}.zip`, 'data-testid': 'export-download' }, t('privacy.exportDownload'))
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
      if (!isStale()) replace(exportList, h('li', null, unavailable(error)));
    }
  };
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    exportStatus.hide();
    try {
      await post('/api/me/exports');
      exportStatus.show('success', t('privacy.exportStarted'));
      await loadExports();
    } catch (error) {
      exportStatus.replaceChildren(unavailable(error));
    } finally {
      exportButton.disabled = false;
    }
  });

  // ---- consents, objection, restriction ----
  const consents = h('div', { class: 'stack', 'data-testid': 'consents' }, spinner(t('common.loading')));
  const objection = toggle(t('privacy.objectionLabel'), t('privacy.objectionBody'), user.objectsToInsights, 'objection-toggle', async (on) => {
    const answer = await put<{ objectsToInsights: boolean }>('/api/me/objection', { insights: on });
    user.objectsToInsights = answer.objectsToInsights;
  });
  const restriction = toggle(t('privacy.restrictionLabel'), t('privacy.restrictionBody'), user.restricted, 'restriction-toggle', async (on) => {
    const answer = on ? await put<{ restricted: boolean }>('/api/me/restriction') : await del<{ restricted: boolean }>('/api/me/restriction');
    user.restricted = answer.restricted;
  });

  // ---- requests, activity ----
  const requests = h('div', { 'data-testid': 'requests' }, spinner(t('common.loading')));
  const activity = h('div', { 'data-testid': 'activity' }, spinner(t('common.loading')));

  // ---- account ----
  const emailInput = h('input', { type: 'email', id: 'new-email', autocomplete: 'email', required: true, 'data-testid': 'new-email' });
  const emailStatus = statusSlot();
  const emailForm = h('form', { class: 'inline-form', novalidate: true }, h('div', { class: 'field' }, h('label', { for: 'new-email' }, t('privacy.emailNew')), h('div', { class: 'input-row' }, emailInput, h('button', { type: 'submit', class: 'btn btn-secondary', 'data-testid': 'change-email' }, t('privacy.emailButton')))), emailStatus);
  emailForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = emailInput.value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      emailStatus.show('error', t('signin.errorEmail'));
      emailInput.focus();
      return;
    }
    try {
      await post('/api/me/email', { newEmail: value });
      emailStatus.show('success', t('privacy.emailSent', { email: value }));
      emailInput.value = '';
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) emailStatus.show('error', Object.values(error.fieldErrors).flat().join(' ') || errorText(error));
      else emailStatus.replaceChildren(unavailable(error));
    }
  });

  const sessionsStatus = statusSlot();
  const logout = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'logout' }, t('nav.signOut'));
  const logoutAll = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'logout-all' }, t('privacy.signOutAll'));
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
      sessionsStatus.replaceChildren(unavailable(error));
    }
  });

  // ---- erasure ----
  const eraseStatus = statusSlot();
  const eraseButton = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'delete-account' }, t('privacy.deleteButton'));
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
      eraseStatus.replaceChildren(unavailable(error));
      eraseButton.disabled = false;
    }
  });

  replace(
    main,
    h(
      'div',
      { class: 'narrow privacy' },
      pageHeader(t('privacy.title'), t('privacy.lead')),
      top,
      h('p', { class: 'muted small signed-in-as' }, t('privacy.signedInAs'), h('strong', { class: 'break' }, user.email)),
      card(t('privacy.exportTitle'), 'export-section', h('p', null, t('privacy.exportBody')), h('div', null, exportButton), exportStatus, exportList),
      card(t('privacy.choicesTitle'), 'choices-section', consents, objection, restriction),
      card(t('privacy.requestsTitle'), 'requests-section', h('p', { class: 'muted small' }, t('privacy.requestsBody')), requests),
      card(t('privacy.activityTitle'), 'activity-section', h('p', { class: 'muted small' }, t('privacy.activityBody')), activity),
      card(t('privacy.accountTitle'), 'account-section', emailForm, h('div', { class: 'button-row' }, logout, logoutAll), sessionsStatus),
      h('section', { class: 'card stack danger-zone', 'aria-labelledby': 'erase-title', 'data-testid': 'erase-section' }, h('h2', { id: 'erase-title' }, t('privacy.deleteTitle')), h('p', null, t('privacy.deleteIntro')), h('div', null, eraseButton), eraseStatus),
      h('p', { class: 'muted small' }, t('privacy.policyLink'), ' ', h('a', { href: '#/policy' }, t('footer.policy')), '.'),
    ),
  );

  void loadExports();
  void get<{ items: ConsentItem[] }>('/api/me/consents')
    .then((page) => {
      if (isStale()) return;
      if (page.items.length === 0) {
        replace(consents, h('p', { class: 'muted small' }, t('privacy.consentsNone')));
        return;
      }
      replace(
        consents,
        page.items.map((item) =>
          toggle(lang() === 'en' ? item.en : item.fr, (lang() === 'en' ? item.descriptionEn : item.descriptionFr) ?? '', item.granted, `consent-${item.purpose}`, async (on) => {
            await put(`/api/me/consents/${encodeURIComponent(item.purpose)}`, { granted: on });
          }),
        ),
      );
    })
    .catch((error: unknown) => replace(consents, unavailable(error)));

  void get<{ items: RequestItem[] }>('/api/me/requests')
    .then((page) => {
      if (isStale()) return;
      if (page.items.length === 0) {
        replace(requests, h('p', { class: 'muted small' }, t('privacy.requestsNone')));
        return;
      }
      replace(
        requests,
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
                h('p', { class: 'item-title' }, tryT(`privacy.requestType.${r.type}`) ?? r.type),
                h('p', { class: 'muted small' }, t('privacy.requestReceived', { date: fmtDate(r.receivedAt) }), ' · ', r.completedAt ? t('privacy.requestCompleted', { date: fmtDate(r.completedAt) }) : t('privacy.requestDue', { date: fmtDate(r.extension?.until ?? r.dueAt) })),
                r.extension ? h('p', { class: 'muted small' }, t('privacy.requestExtended', { date: fmtDate(r.extension.until), reason: r.extension.reason })) : null,
              ),
              h('span', { class: `pill pill-${r.status}` }, tryT(`privacy.requestStatus.${r.status}`) ?? r.status),
            ),
          ),
        ),
      );
    })
    .catch((error: unknown) => replace(requests, unavailable(error)));

  void get<{ events: ActivityEvent[] }>('/api/me/activity')
    .then((page) => {
      if (isStale()) return;
      if (page.events.length === 0) {
        replace(activity, h('p', { class: 'muted small' }, t('privacy.activityNone')));
        return;
      }
      replace(
        activity,
        h(
          'ul',
          { class: 'item-list compact' },
          page.events.slice(0, 20).map((e) =>
            h(
              'li',
              { class: 'item' },
              h('div', null, h('p', { class: 'item-title' }, tryT(`privacy.event.${e.event}`) ?? e.event.replace(/[-_.]/g, ' ')), h('p', { class: 'muted small' }, [fmtDateTime(e.at), e.userAgentFamily, e.ipPrefix].filter(Boolean).join(' · '))),
            ),
          ),
        ),
      );
    })
    .catch((error: unknown) => replace(activity, unavailable(error)));

  // Refresh the summary so the toggles show the server's state (e.g. after an e-mail change).
  void loadUser()
    .then((fresh) => {
      if (!fresh && !isStale()) navigate('#/');
    })
    .catch(() => undefined);
}
