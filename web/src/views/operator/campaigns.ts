// Campaigns: written here, sent by the consent-checking mailer to those who consent when their mail goes out.
import { get, post } from '../../api';
import { h, uid } from '../../dom';
import { fmtDateTime, lang, t } from '../../i18n';
import { fillLive, tx } from '../../scope';
import { confirmDialog, errorText, field, notice, showFieldErrors, spinner, statusSlot } from '../../ui';
import { mailingProgress } from './mailing';
import { card, input, showError, table, type MailingStarted, type Schemas, type Console } from './shared';

export function campaignsCard(ctx: Console): { card: HTMLElement; load: () => Promise<void> } {
  const { isStale } = ctx;
  const campaignStatus = statusSlot();
  const recipients = h('p', { 'data-testid': 'op-campaign-recipients', 'aria-live': 'polite' }, spinner(tx('common.loading')));
  const campaignList = h('div', { 'data-testid': 'op-campaigns-list' });
  let recipientCount = 0;
  const cSubjectFr = input('subjectFr', 'text', 'op-campaign-subject-fr', { maxlength: '150', lang: 'fr', required: true });
  const cTextFr = h('textarea', { name: 'textFr', id: uid('textFr'), rows: 5, maxlength: 8000, lang: 'fr', 'data-testid': 'op-campaign-text-fr' });
  const cSubjectEn = input('subjectEn', 'text', 'op-campaign-subject-en', { maxlength: '150', lang: 'en', required: true });
  const cTextEn = h('textarea', { name: 'textEn', id: uid('textEn'), rows: 5, maxlength: 8000, lang: 'en', 'data-testid': 'op-campaign-text-en' });
  const cSend = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'op-campaign-send' }, tx('op.campaignSend'));
  const campaignForm = h(
    'form',
    { class: 'stack', novalidate: true, 'data-testid': 'op-campaign-form' },
    h('div', { class: 'grid-2' }, field(tx('op.campaignSubjectFr'), cSubjectFr), field(tx('op.campaignSubjectEn'), cSubjectEn)),
    field(tx('op.campaignTextFr'), cTextFr),
    field(tx('op.campaignTextEn'), cTextEn),
    h('div', null, cSend),
    campaignStatus,
  );
  const loadCampaigns = async (): Promise<void> => {
    try {
      const view = await get<Schemas['CampaignConsoleView']>('/api/console/campaigns');
      if (isStale()) return;
      recipientCount = view.recipients;
      fillLive(recipients, () => t('op.campaignRecipients', { n: view.recipients }));
      // Built again in the other language on a switch (nothing typed there); the progress slots, made once, move
      // into the new table as they are, without asking the server again.
      const progress = new Map(view.campaigns.map((c) => [c.progress.id, mailingProgress(ctx, c.progress.id, () => void loadCampaigns())]));
      fillLive(campaignList, () =>
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
                  h('td', null, progress.get(c.progress.id)!),
                ),
              ),
              'op-campaigns-table',
            ),
      );
    } catch (error) {
      if (!isStale()) fillLive(recipients, () => notice('error', errorText(error)));
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
      campaignStatus.show('success', () => t('op.campaignStarted'));
      campaignForm.reset();
      await loadCampaigns();
    } catch (error) {
      showError(campaignForm, campaignStatus, error);
    } finally {
      cSend.removeAttribute('disabled');
    }
  });

  return {
    card: card(() => t('op.campaignsTitle'), 'op-campaigns', h('p', null, tx('op.campaignsBody')), recipients, campaignForm, h('h3', null, tx('op.campaignsSent')), campaignList),
    load: loadCampaigns,
  };
}
