// Which view renders which route. Importing this (or any view) renders nothing: main.ts's startApp does.
import { h, replace } from './dom';
import type { Route, View, ViewContext } from './router';
import { tx } from './scope';
import { renderChat } from './views/chat';
import { renderConfirmRequest } from './views/confirm-request';
import { renderKnowledge } from './views/knowledge';
import { renderOnboarding } from './views/onboarding';
import { renderOperator } from './views/operator';
import { renderPolicy, renderTerms } from './views/policy';
import { renderPrivacy } from './views/privacy';
import { renderSignIn } from './views/signin';
import { renderTrends } from './views/trends';
import { renderUnsubscribe } from './views/unsubscribe';
import { renderVerify } from './views/verify';
import { renderWorkspace } from './views/workspace';

function renderNotFound({ main }: ViewContext): void {
  replace(main, h('div', { class: 'narrow' }, h('h1', { tabindex: '-1' }, tx('notFound.title')), h('p', null, h('a', { href: '#/' }, tx('notFound.home')))));
}

export const views: Record<Route['name'], View> = {
  signin: renderSignIn,
  verify: renderVerify,
  onboarding: renderOnboarding,
  chat: renderChat,
  knowledge: renderKnowledge,
  trends: renderTrends,
  workspace: renderWorkspace,
  privacy: renderPrivacy,
  policy: renderPolicy,
  terms: renderTerms,
  operator: renderOperator,
  'confirm-request': renderConfirmRequest,
  unsubscribe: renderUnsubscribe,
  notfound: renderNotFound,
};
