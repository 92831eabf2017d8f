import { signal } from '@preact/signals-core';
import { get, type PolicyDocument, type TermsDocument } from '../api';
import { h, replace, uid } from '../dom';
import { fmtDate, fmtDateShort, lang, t, type Lang } from '../i18n';
import type { ViewContext } from '../router';
import { renderMarkdown } from '../markdown';
import { liveAttr, liveRegion, liveText, tx } from '../scope';
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

async function renderDocument({ main, route, navigate, isStale, scope }: ViewContext, kind: keyof typeof KINDS): Promise<void> {
  // Every text is live (tx, liveText, liveAttr). The document itself is shown in the interface language when it
  // has one (a switch shows the other text in place), or in the language picked with its own buttons.
  const { endpoint, route: home, title } = KINDS[kind];
  replace(main, spinner(tx('common.loading')));
  const requested = route.params.get('version');
  let doc: LegalDocument;
  try {
    doc = await get<LegalDocument>(`${endpoint}${requested ? `?version=${encodeURIComponent(requested)}` : ''}`);
  } catch (error) {
    if (!isStale()) replace(main, h('div', { class: 'narrow' }, h('h1', { tabindex: '-1' }, tx(title)), notice('error', liveText(() => errorText(error)))));
    return;
  }
  if (isStale()) return;

  const available = (l: Lang): Lang => (doc.documents[l] ? l : doc.documents.fr ? 'fr' : 'en');
  const docLang = signal<Lang>(available(lang()));
  // The interface language switched: the document follows it when it has that language.
  let interfaceLang = lang();
  scope.effect(() => {
    const now = lang();
    if (now !== interfaceLang) {
      interfaceLang = now;
      docLang.value = available(now);
    }
  });
  const article = h('article', { class: 'md policy-doc', 'data-testid': `${kind}-document` });
  scope.effect(() => {
    const l = docLang.value;
    const fallbackTitle = t(title); // read here: the effect runs again in the other interface language too
    article.setAttribute('lang', l);
    replace(article, renderMarkdown(body(doc.documents[l] ?? ''), { topHeadingLevel: 1 }));
    // The document's own title is the page's h1; a document without one gets the page's.
    const h1 = article.querySelector('h1');
    if (h1) h1.setAttribute('tabindex', '-1');
    else article.prepend(h('h1', { tabindex: '-1' }, fallbackTitle));
  });

  const selectId = uid('ver');
  const versions = h(
    'select',
    { id: selectId, 'data-testid': 'policy-version' },
    doc.versions.map((v) => h('option', { value: v.version, selected: v.version === doc.version }, liveText(() => `${v.version} · ${fmtDateShort(v.effective)}${v.version === doc.current ? ` (${t('policy.currentTag')})` : ''}`))),
  );
  versions.addEventListener('change', () => navigate(versions.value === doc.current ? home : `${home}?version=${encodeURIComponent(versions.value)}`));

  const langGroup = liveAttr(
    h(
      'div',
      { class: 'segmented-buttons', role: 'group' },
      (['fr', 'en'] as const).map((l) => {
        const b = liveAttr(
          h('button', { type: 'button', class: 'seg', disabled: !doc.documents[l], lang: l, 'data-testid': `policy-lang-${l}` }, l === 'fr' ? 'Français' : 'English'),
          'aria-pressed',
          () => String(docLang.value === l),
        );
        b.addEventListener('click', () => {
          docLang.value = l;
        });
        return b;
      }),
    ),
    'aria-label',
    () => t('policy.docLanguage'),
  );

  const isCurrent = doc.version === doc.current;
  const upcoming = doc.upcoming;
  replace(
    main,
    h(
      'div',
      { class: 'narrow policy' },
      h(
        'div',
        { class: 'card policy-meta' },
        h('p', { class: 'eyebrow' }, tx(title)),
        h('p', { class: 'policy-version-line' }, liveText(() => t('policy.versionLine', { v: doc.version, date: fmtDate(doc.date), effective: fmtDate(doc.effective) }))),
        !isCurrent ? notice('warning', tx('policy.oldVersion', { v: doc.current }), ' ', h('a', { href: home }, tx('policy.seeCurrent'))) : null,
        upcoming
          ? notice(
              'info',
              liveText(() => t(upcoming.material ? 'policy.upcomingMaterial' : 'policy.upcoming', { v: upcoming.version, date: fmtDate(upcoming.effective) })),
              ' ',
              h('a', { href: `${home}?version=${encodeURIComponent(upcoming.version)}` }, tx('policy.readUpcoming')),
            )
          : null,
        h('div', { class: 'policy-controls' }, h('div', { class: 'field' }, h('label', { for: selectId }, tx('policy.versions')), versions), h('div', { class: 'field' }, h('span', { class: 'label' }, tx('policy.docLanguage')), langGroup)),
        liveRegion(h('div'), () => (docLang.value === 'en' && doc.documents.fr ? h('p', { class: 'muted small' }, tx('policy.frAuthoritative')) : null)),
      ),
      h('div', { class: 'card' }, article),
    ),
  );
}
