// A request received by e-mail, recorded by the owner (an erasure asks for the address twice).
import { post } from '../../api';
import { h, uid } from '../../dom';
import { fmtDate, t } from '../../i18n';
import { liveText, tx } from '../../scope';
import { field, showFieldErrors, statusSlot } from '../../ui';
import { card, input, kindLabel, showError, today, KINDS, type RequestRow } from './shared';

export function emailedCard(loadRequests: () => Promise<void>): HTMLElement {
  const emailedStatus = statusSlot();
  const eEmail = input('email', 'email', 'op-emailed-email', { autocomplete: 'off', required: true });
  const eKind = h('select', { name: 'kind', id: uid('kind'), 'data-testid': 'op-emailed-kind' }, KINDS.map((k) => h('option', { value: k }, liveText(() => kindLabel(k)))));
  const eReceived = input('receivedOn', 'date', 'op-emailed-received', { required: true, max: today(), value: today() });
  const eLocale = h('select', { name: 'locale', id: uid('locale'), 'data-testid': 'op-emailed-locale' }, h('option', { value: 'fr' }, 'Français'), h('option', { value: 'en' }, 'English'));
  const eConfirm = input('confirm', 'email', 'op-emailed-confirm', { autocomplete: 'off' });
  const eConfirmField = field(tx('op.confirmEmail'), eConfirm);
  const syncConfirm = (): void => {
    eConfirmField.hidden = eKind.value !== 'erasure';
  };
  eKind.addEventListener('change', syncConfirm);
  syncConfirm();
  const emailedForm = h(
    'form',
    { class: 'stack', novalidate: true, 'data-testid': 'op-emailed-form' },
    h('div', { class: 'grid-2' }, field(tx('op.email'), eEmail), field(tx('op.kind'), eKind), field(tx('op.receivedOn'), eReceived), field(tx('op.locale'), eLocale)),
    eConfirmField,
    h('div', null, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'op-emailed-submit' }, tx('op.record'))),
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
      const text = (): string => (answer.outcome === 'no-data-held' ? t('op.recordedNoData') : t('op.recordedAwaiting', { date: fmtDate(answer.request.dueBy) }));
      emailedStatus.show(answer.notified ? 'success' : 'warning', () => (answer.notified ? text() : `${text()} ${t('op.notNotified')}`));
      eEmail.value = '';
      eConfirm.value = '';
      await loadRequests();
    } catch (error) {
      showError(emailedForm, emailedStatus, error);
    }
  });

  return card(() => t('op.emailedTitle'), 'op-emailed', h('p', null, tx('op.emailedBody')), emailedForm);
}
