import { ApiError, put, type Option, type Profile, type ProfileInput } from '../api';
import { h, replace } from '../dom';
import { lang, optionLabel, t } from '../i18n';
import type { ViewContext } from '../router';
import { loadOptions, loadProfile, session, takeNotice } from '../state';
import { choice, choiceGroup, errorText, field, notice, pageHeader, showFieldErrors, spinner, statusSlot, unmatchedErrors } from '../ui';

const COMMISSION_GOAL = 'monthly-commission';
const MAX_NICHES = 3;

/** The form's values: a profile without its date (what PUT /api/me/profile takes, every field given). */
type ProfileDraft = Omit<Profile, 'updatedAt'> & ProfileInput;
/** The server's ProfileOptions.MaxMonthlyCommissionTargetEur (it validates the field; this only sets the input's max). */
const MAX_COMMISSION_TARGET_EUR = 100_000;

export async function renderOnboarding({ main, navigate, isStale }: ViewContext): Promise<void> {
  replace(main, spinner(t('common.loading')));
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
  const status = statusSlot();
  const message = takeNotice();
  if (message) {
    status.show('success', message());
  }

  const checks = (name: string, list: Option[], selected: string[]): HTMLElement[] =>
    list.map((o) => choice('checkbox', name, o.id, optionLabel(o), selected.includes(o.id), { 'data-testid': `${name}-${o.id}` }));
  const radios = (name: string, list: Option[], selected: string): HTMLElement[] =>
    list.map((o) => choice('radio', name, o.id, optionLabel(o), o.id === selected, { 'data-testid': `${name}-${o.id}` }));

  const nicheGroup = choiceGroup(t('profile.niches'), 'niches', checks('niches', options.niches, profile.niches), { hint: t('profile.nichesHint', { n: maxNiches }), className: 'chips', hideLegend: true });
  const details = h('textarea', { name: 'nicheDetails', rows: '2', maxlength: String(detailsMax), 'data-testid': 'niche-details', placeholder: t('profile.nicheDetailsPlaceholder') });
  details.value = profile.nicheDetails ?? '';
  const counter = h('p', { class: 'counter', 'aria-live': 'polite' });
  const updateCounter = (): void => {
    counter.textContent = `${details.value.length} / ${detailsMax}`;
  };
  details.addEventListener('input', updateCounter);
  updateCounter();
  const detailsField = field(t('profile.nicheDetails'), details, { name: 'nicheDetails', hint: t('profile.nicheDetailsHint') });
  detailsField.appendChild(counter);

  const goalGroup = choiceGroup(t('profile.goals'), 'goals', checks('goals', options.goals, profile.goals), { hint: t('profile.goalsHint'), className: 'chips', hideLegend: true });
  const target = h('input', { type: 'number', name: 'monthlyCommissionTargetEur', inputmode: 'numeric', min: '0', max: String(MAX_COMMISSION_TARGET_EUR), step: '50', 'data-testid': 'commission-target' });
  if (profile.monthlyCommissionTargetEur != null) target.value = String(profile.monthlyCommissionTargetEur);
  const targetField = field(t('profile.target'), target, { name: 'monthlyCommissionTargetEur', hint: t('profile.targetHint') });
  targetField.classList.add('target-field');

  const experience = choiceGroup(t('profile.experience'), 'experience', radios('experience', options.experience, profile.experience), { className: 'chips' });
  const learning = choiceGroup(t('profile.learningStyle'), 'learningStyle', radios('learningStyle', options.learningStyles, profile.learningStyle), { className: 'chips' });
  const country = h('select', { name: 'country', 'data-testid': 'country', autocomplete: 'country' }, options.countries.map((o) => h('option', { value: o.id, selected: o.id === profile.country }, optionLabel(o))));
  const language = h('select', { name: 'language', 'data-testid': 'language' }, options.languages.map((o) => h('option', { value: o.id, selected: o.id === profile.language }, optionLabel(o))));

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'profile-save' }, first ? t('profile.saveFirst') : t('profile.save'));
  const form = h(
    'form',
    { class: 'stack profile-form', novalidate: true, 'data-testid': 'profile-form' },
    h('div', { class: 'card stack' }, h('h2', null, t('profile.sectionNiche')), nicheGroup, detailsField),
    h('div', { class: 'card stack' }, h('h2', null, t('profile.sectionGoals')), goalGroup, targetField),
    h('div', { class: 'card stack' }, h('h2', null, t('profile.sectionStyle')), experience, learning, h('div', { class: 'grid-2' }, field(t('profile.country'), country, { name: 'country' }), field(t('profile.language'), language, { name: 'language' }))),
    h('div', { class: 'form-actions' }, submit, first ? h('a', { class: 'btn btn-secondary', href: '#/chat', 'data-testid': 'profile-skip' }, t('profile.skip')) : null),
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
      pageHeader(first ? t('profile.titleFirst') : t('profile.title'), first ? t('profile.leadFirst') : t('profile.lead')),
      first ? notice('info', t('profile.welcome')) : null,
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
    if (body.niches.length > maxNiches) errors.niches = [t('profile.errorNiches', { n: maxNiches })];
    if (body.monthlyCommissionTargetEur != null && (!Number.isInteger(body.monthlyCommissionTargetEur) || body.monthlyCommissionTargetEur < 0)) errors.monthlyCommissionTargetEur = [t('profile.errorTarget')];
    const invalid = showFieldErrors(form, errors);
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
        status.show('success', t('profile.saved'));
        status.scrollIntoView({ block: 'nearest' });
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fieldErrors).length > 0) {
        const firstInvalid = showFieldErrors(form, error.fieldErrors);
        status.show('error', [t('profile.errorSummary'), ...unmatchedErrors(form, error.fieldErrors)].join(' '));
        firstInvalid?.querySelector<HTMLElement>('input, select, textarea')?.focus();
      } else {
        status.show('error', errorText(error));
      }
    } finally {
      submit.disabled = false;
    }
  });
}
