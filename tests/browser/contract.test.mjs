// The check that holds the fake API to docs/openapi.json can fail (no browser needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { violations } from './contract.mjs';

test('an exchange the contract has passes', () => {
  assert.deepEqual(violations({ method: 'POST', pathname: '/api/auth/verify', requestBody: { token: 'good' }, status: 400, contentType: 'application/problem+json', body: { type: 'about:blank', title: 'x', status: 400, code: 'token-invalid' } }), []);
  assert.deepEqual(violations({ method: 'GET', pathname: '/api/conversations', status: 200, contentType: 'application/json', body: { items: [], next: null } }), []);
});

test('a route or a method the contract does not have fails', () => {
  assert.match(violations({ method: 'GET', pathname: '/api/me/nowhere', status: 200, contentType: 'application/json', body: {} })[0], /no such route/);
  assert.match(violations({ method: 'DELETE', pathname: '/api/health', status: 204 })[0], /no such route/);
});

test('an undeclared status or media type fails', () => {
  assert.match(violations({ method: 'GET', pathname: '/api/conversations', status: 201, contentType: 'application/json', body: { items: [] } })[0], /not declared/);
  assert.match(violations({ method: 'GET', pathname: '/api/conversations', status: 200, contentType: 'text/plain', body: 'x' })[0], /not declared/);
});

test('a shape the contract does not have fails: a missing, renamed or mistyped field, a wrong enum value', () => {
  const conversation = { id: 'c1', title: 'T', createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', messageCount: 1 };
  assert.deepEqual(violations({ method: 'GET', pathname: '/api/conversations', status: 200, contentType: 'application/json', body: { items: [conversation], next: null } }), []);
  const { title: _title, ...untitled } = conversation;
  assert.notDeepEqual(violations({ method: 'GET', pathname: '/api/conversations', status: 200, contentType: 'application/json', body: { items: [untitled], next: null } }), []);
  assert.notDeepEqual(violations({ method: 'GET', pathname: '/api/conversations', status: 200, contentType: 'application/json', body: { items: [{ ...conversation, messageCount: 'one' }], next: null } }), []);
  assert.notDeepEqual(violations({ method: 'GET', pathname: '/api/trends', status: 200, contentType: 'application/json', body: { configured: true, items: [{ kind: 'hashtag' }] } }), []);
});

test('a chat stream keeps to the events the contract declares, each with its schema', () => {
  const stream = (events) => violations({ method: 'POST', pathname: '/api/conversations/c1/messages', requestBody: { text: 'Salut' }, status: 200, contentType: 'text/event-stream', body: events });
  assert.deepEqual(stream([['start', { userMessageId: 'um1', mode: 'offline' }], ['delta', { text: 'Sal' }], ['error', { status: 503, title: 't', detail: 'd', code: 'turn-failed', userMessageId: 'um1' }]]), []);
  assert.match(stream([['meta', {}]])[0], /event "meta" is not declared/);
  // The fake's old error event (no detail, code or user message id) is what this check found.
  assert.match(stream([['error', { title: 'model unavailable', status: 503 }]])[0], /event "error"/);
  assert.match(stream([['delta', { text: 3 }]])[0], /event "delta"/);
});
