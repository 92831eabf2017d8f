// A bulk mailing's live progress (announcements, campaigns), polled every second until it finishes.
import { get } from '../../api';
import { h } from '../../dom';
import { fmtDateTime, t } from '../../i18n';
import { fillLive, tx } from '../../scope';
import { errorText, notice } from '../../ui';
import { type MailingProgress, type Console } from './shared';

export function mailingProgress({ isStale }: Console, mailingId: string, onFinished: () => void): HTMLElement {
  const slot = h('span', { 'data-testid': 'op-mailing', 'data-mailing': mailingId, 'aria-live': 'polite' }, tx('common.loading'));
  const show = (m: MailingProgress): void => {
    fillLive(slot, () => [
      t('op.mailingCounts', { sent: m.sent, total: m.total ?? '…', skipped: m.skipped, failed: m.failed }),
      ' · ',
      m.finishedAt ? t('op.mailingDone', { date: fmtDateTime(m.finishedAt) }) : t('op.mailingRunning', { date: fmtDateTime(m.startedAt) }),
    ]);
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
      fillLive(slot, () => notice('error', errorText(error)));
    }
    window.setTimeout(() => void poll(), 1000);
  };
  void poll();
  return slot;
}
