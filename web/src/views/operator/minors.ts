// A minor reported: the address is blocked (three years) and the account, if any, erased.
import { post } from '../../api';
import { h } from '../../dom';
import { fmtDate, t } from '../../i18n';
import { tx } from '../../scope';
import { confirmDialog, field, showFieldErrors, statusSlot } from '../../ui';
import { card, input, showError } from './shared';

export function minorsCard(loadRequests: () => Promise<void>): HTMLElement {
  const minorStatus = statusSlot();
  const mEmail = input('email', 'email', 'op-minor-email', { autocomplete: 'off' });
  const minorForm = h('form', { class: 'stack', novalidate: true, 'data-testid': 'op-minor-form' }, h('p', null, tx('op.minorsBody', { days: 1095 })), field(tx('op.email'), mEmail), h('div', null, h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'op-minor-submit' }, tx('op.minorButton'))), minorStatus);
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
      minorStatus.show('success', () => t('op.minorDone', { date: fmtDate(answer.blockedUntil), erasure: answer.accountFound ? t('op.minorErasing') : t('op.minorNoAccount') }));
      mEmail.value = '';
      await loadRequests();
    } catch (error) {
      showError(minorForm, minorStatus, error);
    }
  });

  return card(() => t('op.minorsTitle'), 'op-minors', minorForm);
}
