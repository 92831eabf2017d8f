import { ApiError, get, post, type PolicyDocument, type TermsDocument } from '../api';
import { signal } from '@preact/signals-core';
import { h, replace } from '../dom';
import { lang, t } from '../i18n';
import type { ViewContext } from '../router';
import { liveAttr, liveText, tx } from '../scope';
import { takeNotice } from '../state';
import { errorText, field, focusFirstInvalid, notice, showFieldErrors, statusSlot, unmatchedErrors, waitText } from '../ui';

/** The minimum age, as the server is configured (Accounts:MinimumAge), read from /api/policy. */
const minimumAgeSignal = signal<number | null>(null);
const ageText = (): string => (minimumAgeSignal.value ? t('signin.age', { age: minimumAgeSignal.value }) : t('signin.ageUnknown'));


const FIELD_TEXT: Record<string, () => string> = {
  email: () => t('signin.errorEmail'),
  ageConfirmed: () => (minimumAgeSignal.value ? t('signin.errorAge', { age: minimumAgeSignal.value }) : t('signin.errorAgeUnknown')),
  acceptedPolicyVersion: () => t('signin.errorPolicy'),
  acceptedTermsVersion: () => t('signin.errorTerms'),
};

/** A field's error in the language of the moment (the server's own words for a field not listed above). */
const fieldText = (name: string, messages: string[]): string => FIELD_TEXT[name]?.() ?? messages.join(' ');

export async function renderSignIn({ main, isStale }: ViewContext): Promise<void> {
  // Every text below is live (tx, liveText, liveAttr, status/field errors given as functions): a language switch
  // changes them in place and leaves what was typed, ticked and the errors shown.
  const policyVersion = signal<string | null>(null);
  const termsVersion = signal<string | null>(null);
  const sending = signal(false);
  const status = statusSlot();
  const message = takeNotice();
  if (message) {
    status.show('info', message);
  }

  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', inputmode: 'email', required: true, maxlength: '254', 'data-testid': 'email' });
  liveAttr(email, 'placeholder', () => t('signin.emailPlaceholder'));
  const age = h('input', { type: 'checkbox', name: 'ageConfirmed', id: 'age-confirm', required: true, 'data-testid': 'age-confirm' });
  const policy = h('input', { type: 'checkbox', name: 'acceptedPolicyVersion', id: 'policy-accept', required: true, 'data-testid': 'policy-accept' });
  const versionText = h('span', { class: 'policy-version' }, liveText(() => (policyVersion.value ? ` ${t('signin.policyVersion', { v: policyVersion.value })}` : '')));
  const terms = h('input', { type: 'checkbox', name: 'acceptedTermsVersion', id: 'terms-accept', required: true, 'data-testid': 'terms-accept' });
  const termsVersionText = h('span', { class: 'terms-version' }, liveText(() => (termsVersion.value ? ` ${t('signin.policyVersion', { v: termsVersion.value })}` : '')));
  const ageLabel = liveText(ageText);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'send-link' }, liveText(() => (sending.value ? t('signin.sending') : t('signin.send'))));

  const checkField = (input: HTMLInputElement, name: string, label: Node[]): HTMLElement =>
    h('div', { class: 'field check', 'data-field': name }, h('div', { class: 'check-row' }, input, h('label', { for: input.id }, label)), h('p', { class: 'field-error', id: `${input.id}-error`, role: 'alert', hidden: true }));
  age.setAttribute('aria-describedby', 'age-confirm-error');
  policy.setAttribute('aria-describedby', 'policy-accept-error');
  terms.setAttribute('aria-describedby', 'terms-accept-error');

  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'data-testid': 'signin-form' },
    field(tx('signin.email'), email, { name: 'email', hint: tx('signin.emailHint') }),
    checkField(age, 'ageConfirmed', [ageLabel]),
    // The CGU are the contract, accepted; the policy informs, and is only acknowledged as read.
    checkField(terms, 'acceptedTermsVersion', [
      tx('signin.termsBefore'),
      h('a', { href: '#/terms', 'data-testid': 'terms-link' }, tx('signin.termsLink')),
      termsVersionText,
    ]),
    checkField(policy, 'acceptedPolicyVersion', [
      tx('signin.policyBefore'),
      h('a', { href: '#/policy', 'data-testid': 'policy-link' }, tx('signin.policyLink')),
      versionText,
    ]),
    submit,
  );

  const card = h('div', { class: 'card auth-card' }, h('h2', { class: 'card-title' }, tx('signin.formTitle')), status, form);
  replace(
    main,
    h(
      'div',
      { class: 'auth-layout' },
      h(
        'div',
        { class: 'hero' },
        h('p', { class: 'eyebrow' }, tx('signin.eyebrow')),
        h('h1', { tabindex: '-1' }, tx('signin.title')),
        h('p', { class: 'lead' }, tx('signin.lead')),
        h('ul', { class: 'hero-points' }, h('li', null, tx('signin.point1')), h('li', null, tx('signin.point2')), h('li', null, tx('signin.point3'))),
        h(
          'div',
          { class: 'preview', 'aria-hidden': 'true' },
          h('p', { class: 'preview-q' }, tx('signin.previewQ')),
          h('div', { class: 'preview-a' }, h('span', { class: 'msg-avatar' }, 'J'), h('p', null, h('strong', null, tx('signin.previewAStrong')), tx('signin.previewA'))),
        ),
      ),
      card,
    ),
  );

  const loadPolicy = async (): Promise<string | null> => {
    try {
      const doc = await get<PolicyDocument>('/api/policy');
      minimumAgeSignal.value = doc.minimumAge;
      policyVersion.value = doc.current;
    } catch {
      policyVersion.value = null;
    }
    return policyVersion.peek();
  };
  void loadPolicy();

  const loadTerms = async (): Promise<string | null> => {
    try {
      const doc = await get<TermsDocument>('/api/terms');
      termsVersion.value = doc.current;
    } catch {
      termsVersion.value = null;
    }
    return termsVersion.peek();
  };
  void loadTerms();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.hide();
    const errors: Record<string, string[]> = {};
    const value = email.value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) errors.email = [FIELD_TEXT.email!()];
    if (!age.checked) errors.ageConfirmed = [FIELD_TEXT.ageConfirmed!()];
    if (!terms.checked) errors.acceptedTermsVersion = [FIELD_TEXT.acceptedTermsVersion!()];
    if (!policy.checked) errors.acceptedPolicyVersion = [FIELD_TEXT.acceptedPolicyVersion!()];
    const invalid = showFieldErrors(form, errors, fieldText);
    if (invalid) {
      focusFirstInvalid(invalid);
      return;
    }
    submit.disabled = true;
    sending.value = true;
    try {
      const version = policyVersion.peek() ?? (await loadPolicy());
      if (!version) {
        status.show('error', () => t('signin.policyUnavailable'));
        return;
      }
      const termsAccepted = termsVersion.peek() ?? (await loadTerms());
      if (!termsAccepted) {
        status.show('error', () => t('signin.termsUnavailable'));
        return;
      }
      await post('/api/auth/link', { email: value, locale: lang(), ageConfirmed: true, acceptedPolicyVersion: version, acceptedTermsVersion: termsAccepted });
      if (isStale()) return;
      showSent(main, value);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fieldErrors).length > 0) {
        const first = showFieldErrors(form, error.fieldErrors, fieldText);
        const other = unmatchedErrors(form, error.fieldErrors);
        if (other.length > 0) status.show('error', other.join(' '));
        focusFirstInvalid(first);
        if (error.fieldErrors.acceptedPolicyVersion) void loadPolicy();
        if (error.fieldErrors.acceptedTermsVersion) void loadTerms();
      } else if (error instanceof ApiError && error.status === 429) {
        status.show('warning', () => waitText(error.retryAfterSeconds));
      } else {
        status.show('error', () => errorText(error));
      }
    } finally {
      submit.disabled = false;
      sending.value = false;
    }
  });
}

function showSent(main: HTMLElement, address: string): void {
  const again = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'use-another' }, tx('signin.another'));
  again.addEventListener('click', () => {
    main.textContent = '';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  const mail = h('span', { class: 'mail-icon', 'aria-hidden': 'true' });
  replace(
    main,
    h(
      'div',
      { class: 'narrow center', 'data-testid': 'link-sent' },
      h(
        'div',
        { class: 'card sent-card' },
        mail,
        h('h1', { tabindex: '-1' }, tx('signin.sentTitle')),
        h('p', { class: 'lead' }, tx('signin.sentBefore'), h('strong', { class: 'break' }, address), tx('signin.sentAfter')),
        notice('info', tx('signin.sentValidity')),
        h('p', { class: 'muted small' }, tx('signin.sentSame')),
        again,
      ),
    ),
  );
  main.querySelector<HTMLElement>('h1')?.focus();
}
