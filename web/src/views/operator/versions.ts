// Policy and CGU versions: the same table, the same announcement (a material version waits 30 days after it).
import { ApiError, get, post } from '../../api';
import { h } from '../../dom';
import { fmtDate, fmtDateTime, t } from '../../i18n';
import { fillLive, tx } from '../../scope';
import { confirmDialog, errorText, field, notice, spinner, statusSlot } from '../../ui';
import { mailingProgress } from './mailing';
import { card, input, table, type MailingStarted, type PolicyRow, type Console } from './shared';

export function versionsCard(ctx: Console, document: 'policy' | 'terms'): { card: HTMLElement; load: () => Promise<void> } {
  const { isStale } = ctx;
  const base = document === 'policy' ? '/api/console/policy' : '/api/console/terms';
  const testId = document === 'policy' ? 'op-policy' : 'op-terms';
  const slot = h('div', { 'data-testid': testId }, spinner(tx('common.loading')));
  const status = statusSlot();
  const announceId = (v: string): string => (document === 'policy' ? `op-announce-${v}` : `op-announce-terms-${v}`);
  const load = async (): Promise<void> => {
    try {
      const view = await get<{ versions: PolicyRow[]; accounts: number }>(base);
      if (isStale()) return;
      // Built again in the other language on a switch (its rows hold buttons, nothing typed); the progress slots,
      // made once, move into the new table as they are, without asking the server again.
      const progress = new Map(view.versions.flatMap((v) => (v.announcement?.mailingId ? [[v.version, mailingProgress(ctx, v.announcement.mailingId, () => void load())] as const] : [])));
      fillLive(slot, () =>
        table(
          t(document === 'policy' ? 'op.policyTitle' : 'op.termsTitle'),
          [t('op.col.version'), t('op.col.date'), t('op.col.effective'), t('op.col.material'), t('op.col.inForce'), t('op.col.announcement')],
          view.versions.map((v) => {
            const a = v.announcement;
            const shown = a?.mailingId
              ? progress.get(v.version)!
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
              h('td', null, shown, button ? ' ' : null, button),
            );
          }),
          `${testId}-table`,
        ),
      );
    } catch (error) {
      if (!isStale()) fillLive(slot, () => notice('error', errorText(error)));
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
      status.show('success', () => (answer.alreadyStarted ? t('op.alreadyAnnounced') : t('op.announcementStarted')));
    } catch (error) {
      const tooLate = error instanceof ApiError && (error.code === 'notice-period' || (error.status === 400 && 'effective' in error.fieldErrors));
      status.show('error', () => (tooLate ? t('op.tooLate', { v: v.version, date: fmtDate(v.effective), earliest: fmtDate(v.earliestAnnounceableEffective) }) : errorText(error)));
    }
    await load();
  };
  const body = document === 'policy' ? h('p', null, tx('op.policyBody')) : h('p', { 'data-testid': 'op-terms-rule' }, tx('op.termsBody'));
  return { card: card(() => t(document === 'policy' ? 'op.policyTitle' : 'op.termsTitle'), document === 'policy' ? 'op-policy-section' : 'op-terms-section', body, status, slot), load };
}
