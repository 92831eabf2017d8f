import { describe, expect, it } from 'vitest';
import contract from '../../docs/openapi.json';
import { CHAT_EVENTS, chatEvent } from './api';

type Stream = { 'x-events': Record<string, { $ref: string }> };
const streamOf = (path: string): Stream => {
  const operation = (contract.paths as unknown as Record<string, { post: { responses: { 200: { content: { 'text/event-stream': Stream } } } } } | undefined>)[path];
  if (!operation) throw new Error(`${path} is not in docs/openapi.json`);
  return operation.post.responses[200].content['text/event-stream'];
};

describe('the chat stream\'s events are the server\'s (docs/openapi.json)', () => {
  it('the app knows every event the stream declares, and no other', () => {
    for (const path of ['/api/conversations/{id}/messages', '/api/conversations/{id}/messages/{messageId}/retry']) {
      expect([...CHAT_EVENTS].sort()).toEqual(Object.keys(streamOf(path)['x-events']).sort());
    }
  });

  it('each event name is typed by the schema the document gives it', () => {
    const events = streamOf('/api/conversations/{id}/messages')['x-events'];
    const expected: Record<string, string> = { start: 'ChatStartEvent', delta: 'ChatDeltaEvent', reset: 'ChatResetEvent', done: 'ChatDoneEvent', error: 'ChatErrorEvent' };
    for (const name of CHAT_EVENTS) expect(events[name]?.$ref).toBe(`#/components/schemas/${expected[name]}`);
  });

  it('parses a known event and ignores an unknown one or data that is not JSON', () => {
    expect(chatEvent({ event: 'delta', data: '{"text":"Salut"}' })).toEqual({ event: 'delta', data: { text: 'Salut' } });
    expect(chatEvent({ event: 'meta', data: '{}' })).toBeNull();
    expect(chatEvent({ event: 'done', data: 'not json' })).toBeNull();
  });
});
