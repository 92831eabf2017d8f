/**
 * The owner's console (#/operator): requests (also those received by e-mail), minors, policy and CGU versions
 * (announced 30 days ahead), marketing campaigns (to those who consent), insights, the breach register and the evidence pack. Operators only: the server answers 403 to anyone else.
 */
import { ApiError, get, post, put } from '../api';
import type { components } from '../api-types';
import { h, replace, uid } from '../dom';
import { fmtDate, fmtDateTime, lang, t, tryT, type Key } from '../i18n';
import type { ViewContext } from '../router';
import { loadOptions } from '../state';
import { confirmDialog, errorText, field, notice, pageHeader, showFieldErrors, spinner, statusSlot } from '../ui';

// The console's records, generated from docs/openapi.json (web/src/api-types.ts): never redeclared here.
type Schemas = components['schemas'];
type RequestRow = Schemas['ConsoleRequestRow'];
type PolicyRow = Schemas['PolicyVersionView'];
type MailingProgress = Schemas['MailingProgress'];
type MailingStarted = Schemas['MailingStarted'];
type InsightWeek = Schemas['InsightWeekResult'];
type BreachView = Schemas['BreachView'];

const KINDS = ['access', 'erasure', 'rectification', 'restriction', 'objection', 'consent-withdrawal'];

const FIELD_KEYS: Record<string, Key> = {
  email: 'op.err.email',
  kind: 'op.err.kind',
  receivedOn: 'op.err.receivedOn',
  confirm: 'op.err.confirm',
  outcome: 'op.err.outcome',
  reason: 'op.err.reason',
  until: 'op.err.until',
  delayReason: 'op.err.delayReason',
  art34Reason: 'op.err.art34Reason',
  detectedAt: 'op.err.future',
  cnilNotifiedAt: 'op.err.future',
  peopleInformedAt: 'op.err.future',
};

/** Server field errors in the interface language (the server's own words when a field has no translation). */
const translateField = (name: string, messages: string[]): string => (FIELD_KEYS[name] ? t(FIELD_KEYS[name]) : messages.join(' '));

const kindLabel = (type: string): string => tryT(`op.kind.${type}`) ?? type;
const statusLabel = (status: string): string => tryT(`op.status.${status}`) ?? status;
const today = (): string => new Date().toISOString().slice(0, 10);

function card(title: string, id: string, ...children: (Node | null | false)[]): HTMLElement {
  const titleId = uid('sec');
  return h('section', { class: 'card stack', id, 'aria-labelledby': titleId, 'data-testid': id }, h('h2', { id: titleId, tabindex: '-1' }, title), children);
}

function table(caption: string, headers: string[], rows: HTMLElement[], testId: string): HTMLElement {
  return h(
    'div',
    { class: 'md-table' },
    h('table', { class: 'console-table', 'data-testid': testId }, h('caption', { class: 'visually-hidden' }, caption), h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, rows)),
  );
}

/** Handles a failed call of a form: field errors next to their fields, anything else in the form's status line. */
function showError(form: HTMLElement, status: ReturnType<typeof statusSlot>, error: unknown): void {
  if (error instanceof ApiError && error.status === 400 && Object.keys(error.fieldErrors).length > 0) {
    const first = showFieldErrors(form, error.fieldErrors, translateField);
    const unmatched = Object.keys(error.fieldErrors).filter((name) => !form.querySelector(`[data-field="${name}"]`));
    if (unmatched.length > 0) status.show('error', unmatched.map((name) => translateField(name, error.fieldErrors[name] ?? [])).join(' '));
    else status.hide();
    first?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    return;
  }
  status.show('error', errorText(error));
}

function input(name: string, type: string, testId: string, extra: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', { name, type, 'data-testid': testId, id: uid(name), ...extra });
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** A horizontal bar chart (SVG, no inline style); the table beside it carries the same numbers for screen readers. */
function bars(title: string, items: { label: string; value: number }[]): Element {
  const width = 480;
  const row = 26;
  const labelWidth = 180;
  const max = Math.max(1, ...items.map((i) => i.value));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(row, items.length * row)}`, class: 'chart', role: 'img', 'aria-label': t('op.chartLabel', { title }) });
  items.forEach((item, index) => {
    const y = index * row;
    const w = Math.max(2, Math.round(((width - labelWidth - 50) * item.value) / max));
    chart.appendChild(svg('text', { x: 0, y: y + 17, class: 'chart-label' }, item.label.length > 26 ? `${item.label.slice(0, 25)}…` : item.label));
    chart.appendChild(svg('rect', { x: labelWidth, y: y + 5, width: w, height: 16, rx: 3, class: 'chart-bar' }));
    chart.appendChild(svg('text', { x: labelWidth + w + 6, y: y + 17, class: 'chart-value' }, String(item.value)));
  });
  return chart;
}

export async function renderOperator({ main, navigate, isStale }: ViewContext): Promise<void> {
  replace(main, h('div', { class: 'wide' }, pageHeader(t('op.title')), spinner(t('common.loading'))));
  let sessionHours = 8;
  try {
    sessionHours = (await get<{ operatorId: string; sessionHours: number }>('/api/console/session')).sessionHours;
  } catch (error) {
    if (isStale()) return;
    const text = error instanceof ApiError && error.status === 403 ? t('op.forbidden') : error instanceof ApiError && error.status === 401 ? t('op.expired') : errorText(error);
    replace(main, h('div', { class: 'narrow' }, pageHeader(t('op.title')), notice('error', text), h('p', null, h('a', { href: '#/' }, t('notFound.home')))));
    return;
  }
  if (isStale()) return;

  // ---- requests ----
  const pending = h('div', { 'data-testid': 'op-pending' }, spinner(t('common.loading')));
  const closed = h('div', { 'data-testid': 'op-closed' });
  const requestsStatus = statusSlot();
  const loadRequests = async (): Promise<void> => {
    try {
      const log = await get<Schemas['ConsoleRequestLog']>('/api/console/requests');
      if (isStale()) return;
      replace(
        pending,
        log.pending.length === 0
          ? h('p', { class: 'muted' }, t('op.requestsNone'))
          : table(
              t('op.requestsTitle'),
              [t('op.col.kind'), t('op.col.channel'), t('op.col.received'), t('op.col.due'), t('op.col.status'), t('op.col.actions')],
              log.pending.map((r) => pendingRow(r)),
              'op-pending-table',
            ),
      );
      replace(
        closed,
        h('p', { class: 'muted small', 'data-testid': 'op-closed-since' }, t('op.closedSince', { date: fmtDate(log.closedSince) })),
        log.closed.length === 0
          ? h('p', { class: 'muted' }, t('op.closedNone'))
          : table(
              t('op.closedTitle'),
              [t('op.col.kind'), t('op.col.channel'), t('op.col.received'), t('op.col.due'), t('op.col.completed'), t('op.col.met'), t('op.col.outcome')],
              log.closed.map((r) =>
                h(
                  'tr',
                  { 'data-request-id': r.id, 'data-status': r.status },
                  h('td', null, kindLabel(r.type)),
                  h('td', null, tryT(`op.channel.${r.channel}`) ?? r.channel),
                  h('td', null, fmtDate(r.receivedAt)),
                  h('td', null, fmtDate(r.dueBy)),
                  h('td', null, r.completedAt ? fmtDateTime(r.completedAt) : '—'),
                  h('td', { 'data-testid': 'op-met' }, r.metDeadline === null ? '—' : r.metDeadline ? t('op.yes') : t('op.no')),
                  h('td', null, r.outcome ?? statusLabel(r.status)),
                ),
              ),
              'op-closed-table',
            ),
      );
    } catch (error) {
      if (!isStale()) replace(pending, notice('error', errorText(error)));
    }
  };

  const pendingRow = (r: RequestRow): HTMLElement => {
    const flags = [
      r.overdue ? h('span', { class: 'pill pill-failed' }, t('op.overdue')) : null,
      r.dueThisWeek ? h('span', { class: 'pill pill-pending' }, t('op.dueSoon')) : null,
    ];
    const actions = h('td', { class: 'button-row' });
    if (r.userId) {
      const userId = r.userId;
      if (!r.extension && !r.overdue) {
        const extend = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'op-extend' }, t('op.extend'));
        extend.addEventListener('click', () => void extendRequest(userId, r));
        actions.appendChild(extend);
      }
      const close = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'op-close' }, t('op.close'));
      close.addEventListener('click', () => void closeRequest(userId, r));
      actions.appendChild(close);
    }
    return h(
      'tr',
      { 'data-request-id': r.id, 'data-status': r.status, class: r.overdue ? 'row-overdue' : r.dueThisWeek ? 'row-soon' : null },
      h('td', null, kindLabel(r.type)),
      h('td', null, tryT(`op.channel.${r.channel}`) ?? r.channel),
      h('td', null, fmtDate(r.receivedAt)),
      h('td', null, fmtDate(r.dueBy), r.extension ? ` (${t('op.extended')})` : '', ' ', flags),
      h('td', null, h('span', { class: `pill pill-${r.status === 'open' ? 'running' : 'pending'}` }, statusLabel(r.status))),
      actions,
    );
  };

  const extendRequest = async (userId: string, r: RequestRow): Promise<void> => {
    const until = input('until', 'date', 'op-extend-until', { required: true });
    const reason = h('textarea', { name: 'reason', id: uid('reason'), rows: 3, maxlength: 500, 'data-testid': 'op-extend-reason' });
    const ok = await confirmDialog({
      title: t('op.extendTitle'),
      body: [h('p', null, t('op.extendBody')), field(t('op.extendUntil'), until), field(t('op.extendReason'), reason)],
      confirmLabel: t('op.extend'),
      canConfirm: () => until.value !== '' && reason.value.trim().length > 0,
      testId: 'op-extend-dialog',
    });
    if (!ok) return;
    try {
      const answer = await post<{ notified: boolean }>(`/api/console/requests/${userId}/${encodeURIComponent(r.id)}/extend`, { until: `${until.value}T23:59:59Z`, reason: reason.value.trim() });
      requestsStatus.show(answer.notified ? 'success' : 'warning', answer.notified ? t('op.extendDone') : t('op.extendNotNotified'));
      await loadRequests();
    } catch (error) {
      requestsStatus.show('error', error instanceof ApiError && error.status === 400 ? (error.problem.detail ?? errorText(error)) : errorText(error));
    }
  };

  const closeRequest = async (userId: string, r: RequestRow): Promise<void> => {
    const outcome = h('textarea', { name: 'outcome', id: uid('outcome'), rows: 3, maxlength: 1000, 'data-testid': 'op-close-outcome' });
    const refusedId = uid('refused');
    const refused = h('input', { type: 'checkbox', id: refusedId, 'data-testid': 'op-close-refused' });
    const ok = await confirmDialog({
      title: t('op.closeTitle'),
      body: [field(t('op.closeOutcome'), outcome), h('div', { class: 'choice' }, refused, h('label', { for: refusedId }, t('op.closeRefused')))],
      confirmLabel: t('op.close'),
      canConfirm: () => outcome.value.trim().length >= 2,
      testId: 'op-close-dialog',
    });
    if (!ok) return;
    try {
      await post(`/api/console/requests/${userId}/${encodeURIComponent(r.id)}/close`, { outcome: outcome.value.trim(), status: refused.checked ? 'refused' : 'completed' });
      requestsStatus.show('success', t('op.closeDone'));
      await loadRequests();
    } catch (error) {
      requestsStatus.show('error', errorText(error));
    }
  };

  // ---- a request received by e-mail ----
  const emailedStatus = statusSlot();
  const eEmail = input('email', 'email', 'op-emailed-email', { autocomplete: 'off', required: true });
  const eKind = h('select', { name: 'kind', id: uid('kind'), 'data-testid': 'op-emailed-kind' }, KINDS.map((k) => h('option', { value: k }, kindLabel(k))));
  const eReceived = input('receivedOn', 'date', 'op-emailed-received', { required: true, max: today(), value: today() });
  const eLocale = h('select', { name: 'locale', id: uid('locale'), 'data-testid': 'op-emailed-locale' }, h('option', { value: 'fr' }, 'Français'), h('option', { value: 'en' }, 'English'));
  const eConfirm = input('confirm', 'email', 'op-emailed-confirm', { autocomplete: 'off' });
  const eConfirmField = field(t('op.confirmEmail'), eConfirm);
  const syncConfirm = (): void => {
    eConfirmField.hidden = eKind.value !== 'erasure';
  };
  eKind.addEventListener('change', syncConfirm);
  syncConfirm();
  const emailedForm = h(
    'form',
    { class: 'stack', novalidate: true, 'data-testid': 'op-emailed-form' },
    h('div', { class: 'grid-2' }, field(t('op.email'), eEmail), field(t('op.kind'), eKind), field(t('op.receivedOn'), eReceived), field(t('op.locale'), eLocale)),
    eConfirmField,
    h('div', null, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'op-emailed-submit' }, t('op.record'))),
    emailedStatus,
  );
  emailedForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFieldErrors(emailedForm, {});
    try {
      const answer = await post<{ outcome: string; request: RequestRow; notified: boolean }>('/api/console/email-requests', {
        email: eEmail.value.trim(),
        kind: eKind.value,
        receivedOn: eReceived.value || null,
        locale: eLocale.value,
        confirm: eKind.value === 'erasure' ? eConfirm.value.trim() : null,
      });
      const text = answer.outcome === 'no-data-held' ? t('op.recordedNoData') : t('op.recordedAwaiting', { date: fmtDate(answer.request.dueBy) });
      emailedStatus.show(answer.notified ? 'success' : 'warning', answer.notified ? text : `${text} ${t('op.notNotified')}`);
      eEmail.value = '';
      eConfirm.value = '';
      await loadRequests();
    } catch (error) {
      showError(emailedForm, emailedStatus, error);
    }
  });

  // ---- lookup ----
  const lookupStatus = statusSlot();
  const lEmail = input('email', 'email', 'op-lookup-email', { autocomplete: 'off' });
  const lookupForm = h('form', { class: 'stack', novalidate: true }, field(t('op.email'), lEmail), h('div', null, h('button', { type: 'submit', class: 'btn btn-secondary', 'data-testid': 'op-lookup-submit' }, t('op.lookupButton'))), lookupStatus);
  lookupForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFieldErrors(lookupForm, {});
    try {
      const found = await post<{ found: boolean; userId: string | null; createdAt: string | null; lastSignInAt: string | null; restricted: boolean; minorFlagged: boolean; blocked: boolean; requests: RequestRow[] }>('/api/console/lookup', { email: lEmail.value.trim() });
      const lines = found.found
        ? [t('op.lookupFound', { id: found.userId ?? '', created: fmtDate(found.createdAt ?? ''), last: fmtDate(found.lastSignInAt ?? '') }), t('op.lookupFlags', { restricted: found.restricted ? t('op.yes') : t('op.no'), minor: found.minorFlagged ? t('op.yes') : t('op.no') })]
        : [t('op.lookupNone')];
      if (found.blocked) lines.push(t('op.blocked'));
      lookupStatus.show('info', lines.join(' '));
    } catch (error) {
      showError(lookupForm, lookupStatus, error);
    }
  });

  // ---- minors ----
  const minorStatus = statusSlot();
  const mEmail = input('email', 'email', 'op-minor-email', { autocomplete: 'off' });
  const minorForm = h('form', { class: 'stack', novalidate: true, 'data-testid': 'op-minor-form' }, h('p', null, t('op.minorsBody', { days: 1095 })), field(t('op.email'), mEmail), h('div', null, h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'op-minor-submit' }, t('op.minorButton'))), minorStatus);
  minorForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFieldErrors(minorForm, {});
    const address = mEmail.value.trim();
    const again = input('confirm', 'email', 'op-minor-confirm', { autocomplete: 'off' });
    const ok = await confirmDialog({
      title: t('op.minorsTitle'),
      body: [h('p', null, address), field(t('op.minorConfirm'), again)],
      confirmLabel: t('op.minorButton'),
      danger: true,
      canConfirm: () => again.value.trim().toLowerCase() === address.toLowerCase() && address.length > 0,
      testId: 'op-minor-dialog',
    });
    if (!ok) return;
    try {
      const answer = await post<{ blockedUntil: string; accountFound: boolean }>('/api/console/minors', { email: address, confirm: again.value.trim() });
      minorStatus.show('success', t('op.minorDone', { date: fmtDate(answer.blockedUntil), erasure: answer.accountFound ? t('op.minorErasing') : t('op.minorNoAccount') }));
      mEmail.value = '';
      await loadRequests();
    } catch (error) {
      showError(minorForm, minorStatus, error);
    }
  });

  // ---- mailings: live progress of a bulk mailing (announcements, campaigns), polled until it finishes ----
  const mailingProgress = (mailingId: string, onFinished: () => void): HTMLElement => {
    const slot = h('span', { 'data-testid': 'op-mailing', 'data-mailing': mailingId, 'aria-live': 'polite' }, t('common.loading'));
    const show = (m: MailingProgress): void => {
      replace(
        slot,
        t('op.mailingCounts', { sent: m.sent, total: m.total ?? '…', skipped: m.skipped, failed: m.failed }),
        ' · ',
        m.finishedAt ? t('op.mailingDone', { date: fmtDateTime(m.finishedAt) }) : t('op.mailingRunning', { date: fmtDateTime(m.startedAt) }),
      );
    };
    const poll = async (): Promise<void> => {
      if (isStale() || !slot.isConnected && slot.dataset.started) return;
      slot.dataset.started = 'yes';
      try {
        const m = await get<MailingProgress>(`/api/console/mailings/${encodeURIComponent(mailingId)}`);
        if (isStale()) return;
        show(m);
        if (m.finishedAt) {
          // Seen running, now finished: the caller reloads (the announcement's 30 days now count).
          if (slot.dataset.running) onFinished();
          return;
        }
        slot.dataset.running = 'yes';
      } catch (error) {
        replace(slot, notice('error', errorText(error)));
      }
      window.setTimeout(() => void poll(), 1000);
    };
    void poll();
    return slot;
  };

  // ---- policy and CGU versions: the same table, the same announcement (a material version waits 30 days after it) ----
  const versionsSection = (document: 'policy' | 'terms'): { slot: HTMLElement; status: ReturnType<typeof statusSlot>; load: () => Promise<void> } => {
    const base = document === 'policy' ? '/api/console/policy' : '/api/console/terms';
    const testId = document === 'policy' ? 'op-policy' : 'op-terms';
    const slot = h('div', { 'data-testid': testId }, spinner(t('common.loading')));
    const status = statusSlot();
    const announceId = (v: string): string => (document === 'policy' ? `op-announce-${v}` : `op-announce-terms-${v}`);
    const load = async (): Promise<void> => {
      try {
        const view = await get<{ versions: PolicyRow[]; accounts: number }>(base);
        if (isStale()) return;
        replace(
          slot,
          table(
            t(document === 'policy' ? 'op.policyTitle' : 'op.termsTitle'),
            [t('op.col.version'), t('op.col.date'), t('op.col.effective'), t('op.col.material'), t('op.col.inForce'), t('op.col.announcement')],
            view.versions.map((v) => {
              const a = v.announcement;
              const progress = a?.mailingId
                ? mailingProgress(a.mailingId, () => void load())
                : a
                  ? h('span', { 'data-testid': 'op-mailing' }, t('op.mailing', { sent: a.sent, total: view.accounts }), ' · ', a.completedAt ? t('op.mailingDone', { date: fmtDateTime(a.completedAt) }) : t('op.mailingRunning', { date: fmtDateTime(a.startedAt ?? '') }))
                  : h('span', { class: 'muted' }, t('op.notAnnounced'));
              let button: HTMLElement | null = null;
              if (v.material && v.upcoming && !a?.completedAt) {
                button = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': announceId(v.version) }, t('op.announce'));
                button.addEventListener('click', () => void announce(v));
              }
              return h(
                'tr',
                { 'data-version': v.version },
                h('th', { scope: 'row' }, v.version, v.current ? ` (${t('op.current')})` : v.upcoming ? ` (${t('op.upcoming')})` : ''),
                h('td', null, fmtDate(v.date)),
                h('td', null, fmtDate(v.effective)),
                h('td', null, v.material ? t('op.yes') : t('op.no')),
                h('td', { 'data-testid': 'op-in-force' }, v.inForceFrom ? fmtDate(v.inForceFrom) : t('op.neverWithoutAnnouncement')),
                h('td', null, progress, button ? ' ' : null, button),
              );
            }),
            `${testId}-table`,
          ),
        );
      } catch (error) {
        if (!isStale()) replace(slot, notice('error', errorText(error)));
      }
    };
    const announce = async (v: PolicyRow): Promise<void> => {
      const again = input('confirm', 'text', 'op-announce-confirm', { autocomplete: 'off' });
      const ok = await confirmDialog({
        title: t(document === 'policy' ? 'op.announceTitle' : 'op.announceTermsTitle', { v: v.version }),
        body: [h('p', null, t('op.announceBody')), field(t('op.announceConfirm'), again)],
        confirmLabel: t('op.announce'),
        canConfirm: () => again.value.trim() === v.version,
        testId: 'op-announce-dialog',
      });
      if (!ok) return;
      try {
        const answer = await post<MailingStarted>(`${base}/${encodeURIComponent(v.version)}/announce`, { confirm: again.value.trim() });
        status.show('success', answer.alreadyStarted ? t('op.alreadyAnnounced') : t('op.announcementStarted'));
      } catch (error) {
        const tooLate = error instanceof ApiError && (error.code === 'notice-period' || (error.status === 400 && 'effective' in error.fieldErrors));
        status.show('error', tooLate ? t('op.tooLate', { v: v.version, date: fmtDate(v.effective), earliest: fmtDate(v.earliestAnnounceableEffective) }) : errorText(error));
      }
      await load();
    };
    return { slot, status, load };
  };
  const policySection = versionsSection('policy');
  const termsSection = versionsSection('terms');
  const loadPolicy = async (): Promise<void> => {
    await Promise.all([policySection.load(), termsSection.load()]);
  };

  // ---- campaigns: written here, sent by the consent-checking mailer to those who consent when their mail goes out ----
  const campaignStatus = statusSlot();
  const recipients = h('p', { 'data-testid': 'op-campaign-recipients', 'aria-live': 'polite' }, spinner(t('common.loading')));
  const campaignList = h('div', { 'data-testid': 'op-campaigns-list' });
  let recipientCount = 0;
  const cSubjectFr = input('subjectFr', 'text', 'op-campaign-subject-fr', { maxlength: '150', lang: 'fr', required: true });
  const cTextFr = h('textarea', { name: 'textFr', id: uid('textFr'), rows: 5, maxlength: 8000, lang: 'fr', 'data-testid': 'op-campaign-text-fr' });
  const cSubjectEn = input('subjectEn', 'text', 'op-campaign-subject-en', { maxlength: '150', lang: 'en', required: true });
  const cTextEn = h('textarea', { name: 'textEn', id: uid('textEn'), rows: 5, maxlength: 8000, lang: 'en', 'data-testid': 'op-campaign-text-en' });
  const cSend = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'op-campaign-send' }, t('op.campaignSend'));
  const campaignForm = h(
    'form',
    { class: 'stack', novalidate: true, 'data-testid': 'op-campaign-form' },
    h('div', { class: 'grid-2' }, field(t('op.campaignSubjectFr'), cSubjectFr), field(t('op.campaignSubjectEn'), cSubjectEn)),
    field(t('op.campaignTextFr'), cTextFr),
    field(t('op.campaignTextEn'), cTextEn),
    h('div', null, cSend),
    campaignStatus,
  );
  const loadCampaigns = async (): Promise<void> => {
    try {
      const view = await get<Schemas['CampaignConsoleView']>('/api/console/campaigns');
      if (isStale()) return;
      recipientCount = view.recipients;
      replace(recipients, t('op.campaignRecipients', { n: view.recipients }));
      replace(
        campaignList,
        view.campaigns.length === 0
          ? h('p', { class: 'muted' }, t('op.campaignsNone'))
          : table(
              t('op.campaignsTitle'),
              [t('op.col.subject'), t('op.col.started'), t('op.col.progress')],
              view.campaigns.map((c) =>
                h(
                  'tr',
                  { 'data-mailing-id': c.progress.id },
                  h('th', { scope: 'row' }, lang() === 'en' ? c.subjectEn : c.subjectFr),
                  h('td', null, fmtDateTime(c.progress.startedAt)),
                  h('td', null, mailingProgress(c.progress.id, () => void loadCampaigns())),
                ),
              ),
              'op-campaigns-table',
            ),
      );
    } catch (error) {
      if (!isStale()) replace(recipients, notice('error', errorText(error)));
    }
  };
  campaignForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFieldErrors(campaignForm, {});
    const ok = await confirmDialog({
      title: t('op.campaignConfirmTitle'),
      body: [h('p', null, t('op.campaignConfirmBody', { n: recipientCount }))],
      confirmLabel: t('op.campaignSend'),
      testId: 'op-campaign-dialog',
    });
    if (!ok) return;
    cSend.setAttribute('disabled', '');
    try {
      await post<MailingStarted>('/api/console/campaigns', { subjectFr: cSubjectFr.value, textFr: cTextFr.value, subjectEn: cSubjectEn.value, textEn: cTextEn.value });
      campaignStatus.show('success', t('op.campaignStarted'));
      campaignForm.reset();
      await loadCampaigns();
    } catch (error) {
      showError(campaignForm, campaignStatus, error);
    } finally {
      cSend.removeAttribute('disabled');
    }
  });

  // ---- insights ----
  const insights = h('div', { class: 'stack', 'data-testid': 'op-insights' }, spinner(t('common.loading')));
  const loadInsights = async (): Promise<void> => {
    try {
      const [data, options] = await Promise.all([get<{ topics: string[]; weeks: InsightWeek[] }>('/api/console/insights'), loadOptions()]);
      if (isStale()) return;
      // Niche and level ids shown as the owner reads them elsewhere (the profile's labels), in the console's language.
      const label = (list: { id: string; fr: string; en: string }[], id: string | null | undefined): string => {
        const option = list.find((o) => o.id === id);
        return option ? (lang() === 'en' ? option.en : option.fr) : (id ?? '');
      };
      if (data.weeks.length === 0) {
        replace(insights, h('p', { class: 'muted' }, t('op.insightsNone')));
        return;
      }
      const latest = data.weeks[data.weeks.length - 1]!;
      const nl = latest.groups.filter((g) => g.kind === 'niche-level');
      const nlRows = nl.map((g) => h('tr', null, h('td', null, label(options.niches, g.niche)), h('td', null, label(options.experience, g.level)), h('td', null, String(g.users))));
      if (latest.suppressedGroups > 0) nlRows.push(h('tr', null, h('td', { colspan: 2 }, t('op.suppressed', { n: latest.suppressedGroups })), h('td', null, t('op.lessThan10'))));
      const topicNames = Array.from(new Set(data.weeks.flatMap((w) => w.groups.filter((g) => g.kind === 'topic').map((g) => g.topic ?? ''))));
      const topicRows = data.weeks.map((w) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, w.week),
          topicNames.map((name) => {
            const g = w.groups.find((x) => x.kind === 'topic' && x.topic === name);
            return h('td', null, g ? String(g.questions) : t('op.lessThan10'));
          }),
        ),
      );
      replace(
        insights,
        h('h3', null, t('op.nicheLevel', { w: latest.week })),
        bars(t('op.nicheLevel', { w: latest.week }), nl.map((g) => ({ label: `${label(options.niches, g.niche)} · ${label(options.experience, g.level)}`, value: g.users }))),
        table(t('op.nicheLevel', { w: latest.week }), [t('op.col.niche'), t('op.col.level'), t('op.col.people')], nlRows, 'op-insights-niche'),
        h('h3', null, t('op.topics')),
        bars(t('op.topics'), topicNames.map((name) => ({ label: name, value: data.weeks.reduce((sum, w) => sum + (w.groups.find((x) => x.kind === 'topic' && x.topic === name)?.questions ?? 0), 0) }))),
        table(t('op.topics'), [t('op.col.week'), ...topicNames], topicRows, 'op-insights-topics'),
      );
    } catch (error) {
      if (!isStale()) replace(insights, notice('error', errorText(error)));
    }
  };

  // ---- breaches ----
  const breachList = h('div', { class: 'stack', 'data-testid': 'op-breaches' }, spinner(t('common.loading')));
  const breachStatus = statusSlot();
  const bDetected = input('detectedAt', 'datetime-local', 'op-breach-detected', { required: true });
  const bNature = h('textarea', { name: 'nature', id: uid('nature'), rows: 3, 'data-testid': 'op-breach-nature' });
  const bData = input('dataCategories', 'text', 'op-breach-data');
  const bPeople = input('peopleCount', 'number', 'op-breach-people', { min: '0', step: '1' });
  const bConsequences = h('textarea', { name: 'consequences', id: uid('consequences'), rows: 2 });
  const bMeasures = h('textarea', { name: 'measures', id: uid('measures'), rows: 3, 'data-testid': 'op-breach-measures' });
  const breachForm = h(
    'form',
    { class: 'stack', novalidate: true, 'data-testid': 'op-breach-form' },
    h('div', { class: 'grid-2' }, field(t('op.breachDetected'), bDetected), field(t('op.breachPeople'), bPeople)),
    field(t('op.breachNature'), bNature),
    field(t('op.breachData'), bData),
    field(t('op.breachConsequences'), bConsequences),
    field(t('op.breachMeasures'), bMeasures),
    h('div', null, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'op-breach-submit' }, t('op.breachRecord'))),
    breachStatus,
  );
  breachForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFieldErrors(breachForm, {});
    try {
      await post('/api/console/breaches', {
        detectedAt: bDetected.value ? new Date(bDetected.value).toISOString() : null,
        nature: bNature.value.trim() || null,
        dataCategories: bData.value.trim() || null,
        peopleCount: bPeople.value === '' ? null : Number(bPeople.value),
        consequences: bConsequences.value.trim() || null,
        measures: bMeasures.value.trim() || null,
      });
      breachStatus.show('success', t('op.breachRecorded'));
      breachForm.reset();
      await loadBreaches();
    } catch (error) {
      showError(breachForm, breachStatus, error);
    }
  });
  const breachItem = (b: BreachView): HTMLElement => {
    const status = statusSlot();
    const notifiedAt = input('cnilNotifiedAt', 'datetime-local', 'op-breach-cnil-at');
    const reference = input('cnilReference', 'text', 'op-breach-ref', { value: b.breach.cnilReference ?? '' });
    const delay = h('textarea', { name: 'delayReason', id: uid('delay'), rows: 2 }, b.breach.delayReason ?? '');
    const riskName = uid('risk');
    const riskYes = h('input', { type: 'radio', name: riskName, id: `${riskName}-y`, value: 'yes', checked: b.breach.highRisk === true });
    const riskNo = h('input', { type: 'radio', name: riskName, id: `${riskName}-n`, value: 'no', checked: b.breach.highRisk === false });
    const art34 = h('textarea', { name: 'art34Reason', id: uid('art34'), rows: 2 }, b.breach.art34Reason ?? '');
    const informed = input('peopleInformedAt', 'datetime-local', 'op-breach-informed');
    const form = h(
      'form',
      { class: 'stack', novalidate: true },
      h('div', { class: 'grid-2' }, field(t('op.breachCnilAt'), notifiedAt), field(t('op.breachRef'), reference)),
      field(t('op.breachDelay'), delay),
      h(
        'fieldset',
        { class: 'field choices', 'data-field': 'highRisk' },
        h('legend', null, t('op.breachHighRisk')),
        h('div', { class: 'choice-list' }, h('div', { class: 'choice' }, riskYes, h('label', { for: `${riskName}-y` }, t('op.yes'))), h('div', { class: 'choice' }, riskNo, h('label', { for: `${riskName}-n` }, t('op.no')))),
        h('p', { class: 'field-error', role: 'alert', hidden: true }),
      ),
      field(t('op.breachArt34'), art34),
      field(t('op.breachInformedAt'), informed),
      h('div', null, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('op.breachSave'))),
      status,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFieldErrors(form, {});
      try {
        await put(`/api/console/breaches/${encodeURIComponent(b.breach.id)}`, {
          cnilNotifiedAt: notifiedAt.value ? new Date(notifiedAt.value).toISOString() : null,
          cnilReference: reference.value.trim() || null,
          delayReason: delay.value.trim() || null,
          highRisk: riskYes.checked ? true : riskNo.checked ? false : null,
          art34Reason: art34.value.trim() || null,
          peopleInformedAt: informed.value ? new Date(informed.value).toISOString() : null,
        });
        status.show('success', t('op.breachSaved'));
        await loadBreaches();
      } catch (error) {
        showError(form, status, error);
      }
    });
    const clock = b.breach.cnilNotifiedAt
      ? notice('success', t('op.breachNotified', { date: fmtDateTime(b.breach.cnilNotifiedAt) }))
      : b.cnilLate
        ? notice('error', t('op.breachLate'))
        : notice('warning', t('op.breachClock', { date: fmtDateTime(b.cnilDeadline), hours: Math.max(0, Math.round(b.hoursLeft)) }));
    return h(
      'article',
      { class: 'card stack breach', 'data-testid': 'op-breach', 'data-breach-id': b.breach.id },
      h('h3', null, fmtDateTime(b.breach.detectedAt), ' — ', b.breach.dataCategories),
      h('p', null, b.breach.nature),
      clock,
      b.peopleMustBeTold ? notice('warning', t('op.breachMustTell')) : null,
      h('details', null, h('summary', null, t('op.breachDraft')), h('pre', { class: 'draft', 'data-testid': 'op-breach-draft', lang: 'fr' }, b.draft)),
      h('details', null, h('summary', null, t('op.breachUpdate')), form),
    );
  };
  const loadBreaches = async (): Promise<void> => {
    try {
      const list = await get<Schemas['BreachList']>('/api/console/breaches');
      if (isStale()) return;
      replace(breachList, list.items.length === 0 ? h('p', { class: 'muted' }, t('op.breachesNone')) : list.items.map(breachItem));
    } catch (error) {
      if (!isStale()) replace(breachList, notice('error', errorText(error)));
    }
  };

  const sections: [string, Key][] = [
    ['op-requests', 'op.requestsTitle'],
    ['op-emailed', 'op.emailedTitle'],
    ['op-minors', 'op.minorsTitle'],
    ['op-policy-section', 'op.policyTitle'],
    ['op-terms-section', 'op.termsTitle'],
    ['op-campaigns', 'op.campaignsTitle'],
    ['op-insights-section', 'op.insightsTitle'],
    ['op-breaches-section', 'op.breachesTitle'],
    ['op-evidence', 'op.evidenceTitle'],
  ];
  const toc = h(
    'nav',
    { 'aria-label': t('op.sections'), class: 'console-toc' },
    h('ul', { class: 'button-row' }, sections.map(([id, key]) => {
      const a = h('a', { href: `#/operator`, 'data-target': id }, t(key));
      a.addEventListener('click', (event) => {
        event.preventDefault();
        const target = document.getElementById(id);
        target?.scrollIntoView();
        target?.querySelector<HTMLElement>('h2')?.focus();
      });
      return h('li', null, a);
    })),
  );
  const refresh = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'op-refresh' }, t('op.refresh'));
  refresh.addEventListener('click', () => void Promise.all([loadRequests(), loadPolicy(), loadCampaigns(), loadBreaches()]));

  replace(
    main,
    h(
      'div',
      { class: 'wide console', lang: lang() },
      pageHeader(t('op.title'), t('op.lead')),
      h('p', { class: 'muted small' }, t('op.sessionHours', { n: sessionHours }), ' ', refresh),
      toc,
      card(t('op.requestsTitle'), 'op-requests', h('p', { class: 'muted small' }, t('op.requestsBody')), requestsStatus, pending, h('h3', null, t('op.closedTitle')), closed),
      card(t('op.emailedTitle'), 'op-emailed', h('p', null, t('op.emailedBody')), emailedForm),
      card(t('op.lookupTitle'), 'op-lookup', lookupForm),
      card(t('op.minorsTitle'), 'op-minors', minorForm),
      card(t('op.policyTitle'), 'op-policy-section', h('p', null, t('op.policyBody')), policySection.status, policySection.slot),
      card(t('op.termsTitle'), 'op-terms-section', h('p', { 'data-testid': 'op-terms-rule' }, t('op.termsBody')), termsSection.status, termsSection.slot),
      card(t('op.campaignsTitle'), 'op-campaigns', h('p', null, t('op.campaignsBody')), recipients, campaignForm, h('h3', null, t('op.campaignsSent')), campaignList),
      card(t('op.insightsTitle'), 'op-insights-section', h('p', { class: 'muted small' }, t('op.insightsBody')), insights),
      card(t('op.breachesTitle'), 'op-breaches-section', h('p', null, t('op.breachesBody')), breachForm, h('p', null, h('a', { class: 'btn btn-secondary btn-small', href: '/api/console/breaches.csv', download: 'jimp-breach-register.csv', 'data-testid': 'op-breach-export' }, t('op.breachExport'))), breachList),
      card(t('op.evidenceTitle'), 'op-evidence', h('p', null, t('op.evidenceBody')), h('p', null, h('a', { class: 'btn btn-primary', href: '/api/console/evidence-pack', download: 'jimp-evidence.zip', 'data-testid': 'op-evidence-download' }, t('op.evidenceButton')))),
    ),
  );
  void navigate; // the console stays on one page; links inside scroll to their section
  await Promise.all([loadRequests(), loadPolicy(), loadCampaigns(), loadInsights(), loadBreaches()]);
}
