import { get, type PolicyDocument, type TermsDocument } from '../api';
import { h, replace, uid } from '../dom';
import { fmtDate, fmtDateShort, lang, t, type Lang } from '../i18n';
import type { ViewContext } from '../router';
import { renderMarkdown } from '../markdown';
import { errorText, notice, spinner } from '../ui';

/** Drops a YAML front matter block if the document carries one. */
function body(markdown: string): string {
  return markdown.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, '');
}

/** The privacy policy (information, acknowledged at sign-up) and the terms of use (the contract, accepted). */
const KINDS = {
  policy: { endpoint: '/api/policy', route: '#/policy', title: 'policy.title' },
  terms: { endpoint: '/api/terms', route: '#/terms', title: 'terms.title' },
} as const;

type LegalDocument = TermsDocument & { upcoming?: PolicyDocument['upcoming'] };

export const renderPolicy = (context: ViewContext): Promise<void> => renderDocument(context, 'policy');

export const renderTerms = (context: ViewContext): Promise<void> => renderDocument(context, 'terms');

async function renderDocument({ main, route, navigate, isStale }: ViewContext, kind: keyof typeof KINDS): Promise<void> {
  const { endpoint, route: home, title } = KINDS[kind];
  replace(main, spinner(t('common.loading')));
  const requested = route.params.get('version');
  let doc: LegalDocument;
  try {
    doc = await get<LegalDocument>(`${endpoint}${requested ? `?version=${encodeURIComponent(requested)}` : ''}`);
  } catch (error) {
    if (!isStale()) replace(main, h('div', { class: 'narrow' }, h('h1', { tabindex: '-1' }, t(title)), notice('error', errorText(error))));
    return;
  }
  if (isStale()) return;

  let docLang: Lang = doc.documents[lang()] ? lang() : doc.documents.fr ? 'fr' : 'en';
  const article = h('article', { class: 'md policy-doc', 'data-testid': `${kind}-document` });
  const show = (): void => {
    article.setAttribute('lang', docLang);
    replace(article, renderMarkdown(body(doc.documents[docLang] ?? ''), { topHeadingLevel: 1 }));
    // The document's own title is the page's h1.
    article.querySelector('h1')?.setAttribute('tabindex', '-1');
  };

  const selectId = uid('ver');
  const versions = h(
    'select',
    { id: selectId, 'data-testid': 'policy-version' },
    doc.versions.map((v) => h('option', { value: v.version, selected: v.version === doc.version }, `${v.version} · ${fmtDateShort(v.effective)}${v.version === doc.current ? ` (${t('policy.currentTag')})` : ''}`)),
  );
  versions.addEventListener('change', () => navigate(versions.value === doc.current ? home : `${home}?version=${encodeURIComponent(versions.value)}`));

  const langGroup = h(
    'div',
    { class: 'segmented-buttons', role: 'group', 'aria-label': t('policy.docLanguage') },
    (['fr', 'en'] as const).map((l) => {
      const b = h('button', { type: 'button', class: 'seg', 'aria-pressed': String(l === docLang), disabled: !doc.documents[l], lang: l, 'data-testid': `policy-lang-${l}` }, l === 'fr' ? 'Français' : 'English');
      b.addEventListener('click', () => {
        docLang = l;
        for (const other of Array.from(langGroup.querySelectorAll('button'))) other.setAttribute('aria-pressed', String(other === b));
        show();
      });
      return b;
    }),
  );

  const isCurrent = doc.version === doc.current;
  replace(
    main,
    h(
      'div',
      { class: 'narrow policy' },
      h(
        'div',
        { class: 'card policy-meta' },
        h('p', { class: 'eyebrow' }, t(title)),
        h('p', { class: 'policy-version-line' }, t('policy.versionLine', { v: doc.version, date: fmtDate(doc.date), effective: fmtDate(doc.effective) })),
        !isCurrent ? notice('warning', t('policy.oldVersion', { v: doc.current }), ' ', h('a', { href: home }, t('policy.seeCurrent'))) : null,
        doc.upcoming ? notice('info', t(doc.upcoming.material ? 'policy.upcomingMaterial' : 'policy.upcoming', { v: doc.upcoming.version, date: fmtDate(doc.upcoming.effective) }), ' ', h('a', { href: `${home}?version=${encodeURIComponent(doc.upcoming.version)}` }, t('policy.readUpcoming'))) : null,
        h('div', { class: 'policy-controls' }, h('div', { class: 'field' }, h('label', { for: selectId }, t('policy.versions')), versions), h('div', { class: 'field' }, h('span', { class: 'label' }, t('policy.docLanguage')), langGroup)),
        docLang === 'en' && doc.documents.fr ? h('p', { class: 'muted small' }, t('policy.frAuthoritative')) : null,
      ),
      h('div', { class: 'card' }, article),
    ),
  );
  show();
  if (!article.querySelector('h1')) article.prepend(h('h1', { tabindex: '-1' }, t(title)));
}
