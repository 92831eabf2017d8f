// Looks an address up: the account, its flags and its requests.
import { post } from '../../api';
import { h } from '../../dom';
import { fmtDate, t } from '../../i18n';
import { tx } from '../../scope';
import { field, showFieldErrors, statusSlot } from '../../ui';
import { card, input, showError, type RequestRow } from './shared';

export function lookupCard(): HTMLElement {
  const lookupStatus = statusSlot();
  const lEmail = input('email', 'email', 'op-lookup-email', { autocomplete: 'off' });
  const lookupForm = h('form', { class: 'stack', novalidate: true }, field(tx('op.email'), lEmail), h('div', null, h('button', { type: 'submit', class: 'btn btn-secondary', 'data-testid': 'op-lookup-submit' }, tx('op.lookupButton'))), lookupStatus);
  lookupForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    showFieldErrors(lookupForm, {});
    try {
      const found = await post<{ found: boolean; userId: string | null; createdAt: string | null; lastSignInAt: string | null; restricted: boolean; minorFlagged: boolean; blocked: boolean; requests: RequestRow[] }>('/api/console/lookup', { email: lEmail.value.trim() });
      const lines = (): string[] => [
        ...(found.found
          ? [t('op.lookupFound', { id: found.userId ?? '', created: fmtDate(found.createdAt ?? ''), last: fmtDate(found.lastSignInAt ?? '') }), t('op.lookupFlags', { restricted: found.restricted ? t('op.yes') : t('op.no'), minor: found.minorFlagged ? t('op.yes') : t('op.no') })]
          : [t('op.lookupNone')]),
        ...(found.blocked ? [t('op.blocked')] : []),
      ];
      lookupStatus.show('info', () => lines().join(' '));
    } catch (error) {
      showError(lookupForm, lookupStatus, error);
    }
  });

  return card(() => t('op.lookupTitle'), 'op-lookup', lookupForm);
}
