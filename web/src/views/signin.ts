import { ApiError, get, post, type PolicyDocument, type TermsDocument } from '../api';
import { h, replace } from '../dom';
import { lang, t } from '../i18n';
import type { ViewContext } from '../router';
import { takeNotice } from '../state';
import { errorText, field, focusFirstInvalid, notice, showFieldErrors, statusSlot, unmatchedErrors, waitText } from '../ui';

/** The minimum age, as the server is configured (Accounts:MinimumAge), read from /api/policy. */
let minimumAge: number | null = null;

const ageText = (): string => (minimumAge ? t('signin.age', { age: minimumAge }) : t('signin.ageUnknown'));

const FIELD_TEXT: Record<string, () => string> = {
  email: () => t('signin.errorEmail'),
  ageConfirmed: () => (minimumAge ? t('signin.errorAge', { age: minimumAge }) : t('signin.errorAgeUnknown')),
  acceptedPolicyVersion: () => t('signin.errorPolicy'),
  acceptedTermsVersion: () => t('signin.errorTerms'),
};

export async function renderSignIn({ main, isStale }: ViewContext): Promise<void> {
  let policyVersion: string | null = null;
  let termsVersion: string | null = null;
  const status = statusSlot();
  const message = takeNotice();
  if (message) {
    status.show('info', message());
  }

  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', inputmode: 'email', required: true, maxlength: '254', 'data-testid': 'email', placeholder: t('signin.emailPlaceholder') });
  const age = h('input', { type: 'checkbox', name: 'ageConfirmed', id: 'age-confirm', required: true, 'data-testid': 'age-confirm' });
  const policy = h('input', { type: 'checkbox', name: 'acceptedPolicyVersion', id: 'policy-accept', required: true, 'data-testid': 'policy-accept' });
  const versionText = h('span', { class: 'policy-version' });
  const terms = h('input', { type: 'checkbox', name: 'acceptedTermsVersion', id: 'terms-accept', required: true, 'data-testid': 'terms-accept' });
  const termsVersionText = h('span', { class: 'terms-version' });
  const ageLabel = document.createTextNode(ageText());
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'send-link' }, t('signin.send'));

  const checkField = (input: HTMLInputElement, name: string, label: Node[]): HTMLElement =>
    h('div', { class: 'field check', 'data-field': name }, h('div', { class: 'check-row' }, input, h('label', { for: input.id }, label)), h('p', { class: 'field-error', id: `${input.id}-error`, role: 'alert', hidden: true }));
  age.setAttribute('aria-describedby', 'age-confirm-error');
  policy.setAttribute('aria-describedby', 'policy-accept-error');
  terms.setAttribute('aria-describedby', 'terms-accept-error');

  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'data-testid': 'signin-form' },
    field(t('signin.email'), email, { name: 'email', hint: t('signin.emailHint') }),
    checkField(age, 'ageConfirmed', [ageLabel]),
    // The CGU are the contract, accepted; the policy informs, and is only acknowledged as read.
    checkField(terms, 'acceptedTermsVersion', [
      document.createTextNode(t('signin.termsBefore')),
      h('a', { href: '#/terms', 'data-testid': 'terms-link' }, t('signin.termsLink')),
      termsVersionText,
    ]),
    checkField(policy, 'acceptedPolicyVersion', [
      document.createTextNode(t('signin.policyBefore')),
      h('a', { href: '#/policy', 'data-testid': 'policy-link' }, t('signin.policyLink')),
      versionText,
    ]),
    submit,
  );

  const card = h('div', { class: 'card auth-card' }, h('h2', { class: 'card-title' }, t('signin.formTitle')), status, form);
  replace(
    main,
    h(
      'div',
      { class: 'auth-layout' },
      h(
        'div',
        { class: 'hero' },
        h('p', { class: 'eyebrow' }, t('signin.eyebrow')),
        h('h1', { tabindex: '-1' }, t('signin.title')),
        h('p', { class: 'lead' }, t('signin.lead')),
        h('ul', { class: 'hero-points' }, h('li', null, t('signin.point1')), h('li', null, t('signin.point2')), h('li', null, t('signin.point3'))),
        h(
          'div',
          { class: 'preview', 'aria-hidden': 'true' },
          h('p', { class: 'preview-q' }, t('signin.previewQ')),
          h('div', { class: 'preview-a' }, h('span', { class: 'msg-avatar' }, 'J'), h('p', null, h('strong', null, t('signin.previewAStrong')), t('signin.previewA'))),
        ),
      ),
      card,
    ),
  );

  const loadPolicy = async (): Promise<string | null> => {
    try {
      const doc = await get<PolicyDocument>('/api/policy');
      policyVersion = doc.current;
      minimumAge = doc.minimumAge;
      ageLabel.textContent = ageText();
      versionText.textContent = ` ${t('signin.policyVersion', { v: doc.current })}`;
    } catch {
      versionText.textContent = '';
    }
    return policyVersion;
  };
  void loadPolicy();

  const loadTerms = async (): Promise<string | null> => {
    try {
      const doc = await get<TermsDocument>('/api/terms');
      termsVersion = doc.current;
      termsVersionText.textContent = ` ${t('signin.policyVersion', { v: doc.current })}`;
    } catch {
      termsVersionText.textContent = '';
    }
    return termsVersion;
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
    const invalid = showFieldErrors(form, errors);
    if (invalid) {
      focusFirstInvalid(invalid);
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin.sending');
    try {
      const version = policyVersion ?? (await loadPolicy());
      if (!version) {
        status.show('error', t('signin.policyUnavailable'));
        return;
      }
      const termsAccepted = termsVersion ?? (await loadTerms());
      if (!termsAccepted) {
        status.show('error', t('signin.termsUnavailable'));
        return;
      }
      await post('/api/auth/link', { email: value, locale: lang(), ageConfirmed: true, acceptedPolicyVersion: version, acceptedTermsVersion: termsAccepted });
      if (isStale()) return;
      showSent(main, value);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fieldErrors).length > 0) {
        const first = showFieldErrors(form, error.fieldErrors, (name, messages) => FIELD_TEXT[name]?.() ?? messages.join(' '));
        const other = unmatchedErrors(form, error.fieldErrors);
        if (other.length > 0) status.show('error', other.join(' '));
        focusFirstInvalid(first);
        if (error.fieldErrors.acceptedPolicyVersion) void loadPolicy();
        if (error.fieldErrors.acceptedTermsVersion) void loadTerms();
      } else if (error instanceof ApiError && error.status === 429) {
        status.show('warning', waitText(error.retryAfterSeconds));
      } else {
        status.show('error', errorText(error));
      }
    } finally {
      submit.disabled = false;
      submit.textContent = t('signin.send');
    }
  });
}

function showSent(main: HTMLElement, address: string): void {
  const again = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'use-another' }, t('signin.another'));
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
        h('h1', { tabindex: '-1' }, t('signin.sentTitle')),
        h('p', { class: 'lead' }, t('signin.sentBefore'), h('strong', { class: 'break' }, address), t('signin.sentAfter')),
        notice('info', t('signin.sentValidity')),
        h('p', { class: 'muted small' }, t('signin.sentSame')),
        again,
      ),
    ),
  );
  main.querySelector<HTMLElement>('h1')?.focus();
}
