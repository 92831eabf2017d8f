// The requests card: open requests (extend, close) and those closed since the start of the period.
import { ApiError, get, post } from '../../api';
import { h, uid } from '../../dom';
import { fmtDate, fmtDateTime, t, tryT } from '../../i18n';
import { fillLive, tx } from '../../scope';
import { confirmDialog, errorText, field, notice, spinner, statusSlot } from '../../ui';
import { card, input, kindLabel, statusLabel, table, type RequestRow, type Schemas, type Console } from './shared';

export function requestsCard({ isStale }: Console): { card: HTMLElement; load: () => Promise<void> } {
  const pending = h('div', { 'data-testid': 'op-pending' }, spinner(tx('common.loading')));
  const closed = h('div', { 'data-testid': 'op-closed' });
  const requestsStatus = statusSlot();
  const loadRequests = async (): Promise<void> => {
    try {
      const log = await get<Schemas['ConsoleRequestLog']>('/api/console/requests');
      if (isStale()) return;
      // The lists are built again in the other language on a switch (their rows hold buttons, nothing typed).
      fillLive(pending, () =>
        log.pending.length === 0
          ? h('p', { class: 'muted' }, t('op.requestsNone'))
          : table(
              t('op.requestsTitle'),
              [t('op.col.kind'), t('op.col.channel'), t('op.col.received'), t('op.col.due'), t('op.col.status'), t('op.col.actions')],
              log.pending.map((r) => pendingRow(r)),
              'op-pending-table',
            ),
      );
      fillLive(closed, () => [
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
      ]);
    } catch (error) {
      if (!isStale()) fillLive(pending, () => notice('error', errorText(error)));
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
      requestsStatus.show(answer.notified ? 'success' : 'warning', () => (answer.notified ? t('op.extendDone') : t('op.extendNotNotified')));
      await loadRequests();
    } catch (error) {
      requestsStatus.show('error', () => (error instanceof ApiError && error.status === 400 ? (error.problem.detail ?? errorText(error)) : errorText(error)));
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
      requestsStatus.show('success', () => t('op.closeDone'));
      await loadRequests();
    } catch (error) {
      requestsStatus.show('error', () => errorText(error));
    }
  };

  return {
    card: card(() => t('op.requestsTitle'), 'op-requests', h('p', { class: 'muted small' }, tx('op.requestsBody')), requestsStatus, pending, h('h3', null, tx('op.closedTitle')), closed),
    load: loadRequests,
  };
}
