// The breach register: record a breach, follow its 72-hour CNIL clock, update it, export the register.
import { get, post, put } from '../../api';
import { h, uid } from '../../dom';
import { fmtDateTime, t } from '../../i18n';
import { fill, liveText, tx } from '../../scope';
import { errorText, field, notice, showFieldErrors, spinner, statusSlot } from '../../ui';
import { card, input, showError, type BreachView, type Schemas, type Console } from './shared';

export function breachesCard({ isStale }: Console): { card: HTMLElement; load: () => Promise<void> } {
  const breachList = h('div', { class: 'stack', 'data-testid': 'op-breaches' }, spinner(tx('common.loading')));
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
    h('div', { class: 'grid-2' }, field(tx('op.breachDetected'), bDetected), field(tx('op.breachPeople'), bPeople)),
    field(tx('op.breachNature'), bNature),
    field(tx('op.breachData'), bData),
    field(tx('op.breachConsequences'), bConsequences),
    field(tx('op.breachMeasures'), bMeasures),
    h('div', null, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'op-breach-submit' }, tx('op.breachRecord'))),
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
      breachStatus.show('success', () => t('op.breachRecorded'));
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
      h('div', { class: 'grid-2' }, field(tx('op.breachCnilAt'), notifiedAt), field(tx('op.breachRef'), reference)),
      field(tx('op.breachDelay'), delay),
      h(
        'fieldset',
        { class: 'field choices', 'data-field': 'highRisk' },
        h('legend', null, tx('op.breachHighRisk')),
        h('div', { class: 'choice-list' }, h('div', { class: 'choice' }, riskYes, h('label', { for: `${riskName}-y` }, tx('op.yes'))), h('div', { class: 'choice' }, riskNo, h('label', { for: `${riskName}-n` }, tx('op.no')))),
        h('p', { class: 'field-error', role: 'alert', hidden: true }),
      ),
      field(tx('op.breachArt34'), art34),
      field(tx('op.breachInformedAt'), informed),
      h('div', null, h('button', { type: 'submit', class: 'btn btn-secondary' }, tx('op.breachSave'))),
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
        status.show('success', () => t('op.breachSaved'));
        await loadBreaches();
      } catch (error) {
        showError(form, status, error);
      }
    });
    const notified = b.breach.cnilNotifiedAt;
    const clock = notified
      ? notice('success', liveText(() => t('op.breachNotified', { date: fmtDateTime(notified) })))
      : b.cnilLate
        ? notice('error', tx('op.breachLate'))
        : notice('warning', liveText(() => t('op.breachClock', { date: fmtDateTime(b.cnilDeadline), hours: Math.max(0, Math.round(b.hoursLeft)) })));
    return h(
      'article',
      { class: 'card stack breach', 'data-testid': 'op-breach', 'data-breach-id': b.breach.id },
      h('h3', null, liveText(() => fmtDateTime(b.breach.detectedAt)), ' — ', b.breach.dataCategories),
      h('p', null, b.breach.nature),
      clock,
      b.peopleMustBeTold ? notice('warning', tx('op.breachMustTell')) : null,
      h('details', null, h('summary', null, tx('op.breachDraft')), h('pre', { class: 'draft', 'data-testid': 'op-breach-draft', lang: 'fr' }, b.draft)),
      h('details', null, h('summary', null, tx('op.breachUpdate')), form),
    );
  };
  const loadBreaches = async (): Promise<void> => {
    try {
      const list = await get<Schemas['BreachList']>('/api/console/breaches');
      if (isStale()) return;
      // Not built again on a switch (each breach has a form that may hold what the owner typed): its texts follow.
      fill(breachList, () => (list.items.length === 0 ? h('p', { class: 'muted' }, tx('op.breachesNone')) : list.items.map(breachItem)));
    } catch (error) {
      if (!isStale()) fill(breachList, () => notice('error', liveText(() => errorText(error))));
    }
  };

  return {
    card: card(() => t('op.breachesTitle'), 'op-breaches-section', h('p', null, tx('op.breachesBody')), breachForm, h('p', null, h('a', { class: 'btn btn-secondary btn-small', href: '/api/console/breaches.csv', download: 'jimp-breach-register.csv', 'data-testid': 'op-breach-export' }, tx('op.breachExport'))), breachList),
    load: loadBreaches,
  };
}
