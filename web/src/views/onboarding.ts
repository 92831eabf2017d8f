import { ApiError, put, type Option, type Profile, type ProfileInput } from '../api';
import { h, replace } from '../dom';
import { lang, optionLabel, t } from '../i18n';
import type { ViewContext } from '../router';
import { liveAttr, liveText, tx } from '../scope';
import { loadOptions, loadProfile, session, takeNotice } from '../state';
import { choice, choiceGroup, errorText, field, notice, pageHeader, showFieldErrors, spinner, statusSlot, unmatchedErrors } from '../ui';

const COMMISSION_GOAL = 'monthly-commission';
const MAX_NICHES = 3;

/** The form's values: a profile without its date (what PUT /api/me/profile takes, every field given). */
type ProfileDraft = Omit<Profile, 'updatedAt'> & ProfileInput;
/** The server's ProfileOptions.MaxMonthlyCommissionTargetEur (it validates the field; this only sets the input's max). */
const MAX_COMMISSION_TARGET_EUR = 100_000;

export async function renderOnboarding({ main, navigate, isStale }: ViewContext): Promise<void> {
  // Every text below is live (tx, liveText, liveAttr, status/field errors given as functions): a language switch
  // changes them in place and leaves what was typed, ticked and chosen, and the errors shown.
  replace(main, spinner(tx('common.loading')));
  const [options, existing] = await Promise.all([loadOptions(), loadProfile()]);
  if (isStale()) return;
  const first = existing === null;
  const maxNiches = options.maxNiches || MAX_NICHES;
  const detailsMax = options.nicheDetailsMaxLength || 200;
  const profile: ProfileDraft = existing ?? {
    niches: [],
    nicheDetails: null,
    goals: [],
    monthlyCommissionTargetEur: null,
    experience: options.experience[0]?.id ?? 'beginner',
    learningStyle: options.learningStyles[0]?.id ?? 'step-by-step',
    country: 'FR',
    language: lang(),
  };
  /** The errors this page words itself, in the language of the moment (the server's own words for the others). */
  const FIELD_TEXT: Record<string, () => string> = {
    niches: () => t('profile.errorNiches', { n: maxNiches }),
    monthlyCommissionTargetEur: () => t('profile.errorTarget'),
  };
  const fieldText = (name: string, messages: string[]): string => FIELD_TEXT[name]?.() ?? messages.join(' ');
  const status = statusSlot();
  const message = takeNotice();
  if (message) {
    status.show('success', message);
  }

  const checks = (name: string, list: Option[], selected: string[]): HTMLElement[] =>
    list.map((o) => choice('checkbox', name, o.id, liveText(() => optionLabel(o)), selected.includes(o.id), { 'data-testid': `${name}-${o.id}` }));
  const radios = (name: string, list: Option[], selected: string): HTMLElement[] =>
    list.map((o) => choice('radio', name, o.id, liveText(() => optionLabel(o)), o.id === selected, { 'data-testid': `${name}-${o.id}` }));

  const nicheGroup = choiceGroup(tx('profile.niches'), 'niches', checks('niches', options.niches, profile.niches), { hint: tx('profile.nichesHint', { n: maxNiches }), className: 'chips', hideLegend: true });
  const details = h('textarea', { name: 'nicheDetails', rows: '2', maxlength: String(detailsMax), 'data-testid': 'niche-details' });
  liveAttr(details, 'placeholder', () => t('profile.nicheDetailsPlaceholder'));
  details.value = profile.nicheDetails ?? '';
  const counter = h('p', { class: 'counter', 'aria-live': 'polite' });
  const updateCounter = (): void => {
    counter.textContent = `${details.value.length} / ${detailsMax}`;
  };
  details.addEventListener('input', updateCounter);
  updateCounter();
  const detailsField = field(tx('profile.nicheDetails'), details, { name: 'nicheDetails', hint: tx('profile.nicheDetailsHint') });
  detailsField.appendChild(counter);

  const goalGroup = choiceGroup(tx('profile.goals'), 'goals', checks('goals', options.goals, profile.goals), { hint: tx('profile.goalsHint'), className: 'chips', hideLegend: true });
  const target = h('input', { type: 'number', name: 'monthlyCommissionTargetEur', inputmode: 'numeric', min: '0', max: String(MAX_COMMISSION_TARGET_EUR), step: '50', 'data-testid': 'commission-target' });
  if (profile.monthlyCommissionTargetEur != null) target.value = String(profile.monthlyCommissionTargetEur);
  const targetField = field(tx('profile.target'), target, { name: 'monthlyCommissionTargetEur', hint: tx('profile.targetHint') });
  targetField.classList.add('target-field');

  const experience = choiceGroup(tx('profile.experience'), 'experience', radios('experience', options.experience, profile.experience), { className: 'chips' });
  const learning = choiceGroup(tx('profile.learningStyle'), 'learningStyle', radios('learningStyle', options.learningStyles, profile.learningStyle), { className: 'chips' });
  const country = h('select', { name: 'country', 'data-testid': 'country', autocomplete: 'country' }, options.countries.map((o) => h('option', { value: o.id, selected: o.id === profile.country }, liveText(() => optionLabel(o)))));
  const language = h('select', { name: 'language', 'data-testid': 'language' }, options.languages.map((o) => h('option', { value: o.id, selected: o.id === profile.language }, liveText(() => optionLabel(o)))));

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'profile-save' }, first ? tx('profile.saveFirst') : tx('profile.save'));
  const form = h(
    'form',
    { class: 'stack profile-form', novalidate: true, 'data-testid': 'profile-form' },
    h('div', { class: 'card stack' }, h('h2', null, tx('profile.sectionNiche')), nicheGroup, detailsField),
    h('div', { class: 'card stack' }, h('h2', null, tx('profile.sectionGoals')), goalGroup, targetField),
    h('div', { class: 'card stack' }, h('h2', null, tx('profile.sectionStyle')), experience, learning, h('div', { class: 'grid-2' }, field(tx('profile.country'), country, { name: 'country' }), field(tx('profile.language'), language, { name: 'language' }))),
    h('div', { class: 'form-actions' }, submit, first ? h('a', { class: 'btn btn-secondary', href: '#/chat', 'data-testid': 'profile-skip' }, tx('profile.skip')) : null),
  );

  const syncNiches = (): void => {
    const boxes = Array.from(nicheGroup.querySelectorAll<HTMLInputElement>('input[type=checkbox]'));
    const count = boxes.filter((b) => b.checked).length;
    for (const box of boxes) box.disabled = !box.checked && count >= maxNiches;
  };
  const syncTarget = (): void => {
    const wanted = Array.from(goalGroup.querySelectorAll<HTMLInputElement>('input:checked')).some((b) => b.value === COMMISSION_GOAL);
    targetField.hidden = !wanted;
  };
  nicheGroup.addEventListener('change', syncNiches);
  goalGroup.addEventListener('change', syncTarget);
  syncNiches();
  syncTarget();

  replace(
    main,
    h(
      'div',
      { class: 'narrow' },
      pageHeader(first ? tx('profile.titleFirst') : tx('profile.title'), first ? tx('profile.leadFirst') : tx('profile.lead')),
      first ? notice('info', tx('profile.welcome')) : null,
      status,
      form,
    ),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.hide();
    const values = (name: string): string[] => Array.from(form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)).map((b) => b.value);
    const goals = values('goals');
    const body: ProfileDraft = {
      niches: values('niches'),
      nicheDetails: details.value.trim() || null,
      goals,
      monthlyCommissionTargetEur: goals.includes(COMMISSION_GOAL) && target.value !== '' ? Number(target.value) : null,
      experience: values('experience')[0] ?? '',
      learningStyle: values('learningStyle')[0] ?? '',
      country: country.value,
      language: language.value,
    };
    const errors: Record<string, string[]> = {};
    if (body.niches.length > maxNiches) errors.niches = [FIELD_TEXT.niches!()];
    if (body.monthlyCommissionTargetEur != null && (!Number.isInteger(body.monthlyCommissionTargetEur) || body.monthlyCommissionTargetEur < 0)) errors.monthlyCommissionTargetEur = [FIELD_TEXT.monthlyCommissionTargetEur!()];
    const invalid = showFieldErrors(form, errors, fieldText);
    if (invalid) {
      invalid.querySelector<HTMLElement>('input, select, textarea')?.focus();
      return;
    }
    submit.disabled = true;
    try {
      session.profile = await put<Profile>('/api/me/profile', body);
      if (isStale()) return;
      if (first) {
        navigate('#/chat');
      } else {
        status.show('success', () => t('profile.saved'));
        status.scrollIntoView({ block: 'nearest' });
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fieldErrors).length > 0) {
        // The server's own words (already in the language of the request).
        const firstInvalid = showFieldErrors(form, error.fieldErrors);
        const other = unmatchedErrors(form, error.fieldErrors);
        status.show('error', () => [t('profile.errorSummary'), ...other].join(' '));
        firstInvalid?.querySelector<HTMLElement>('input, select, textarea')?.focus();
      } else {
        status.show('error', () => errorText(error));
      }
    } finally {
      submit.disabled = false;
    }
  });
}
