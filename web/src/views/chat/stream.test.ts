import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SseEvent } from '../../sse';

// The stream's events, as the server sends them, instead of a request.
let served: SseEvent[] = [];
vi.mock('../../api', async (original) => ({
  ...(await original<typeof import('../../api')>()),
  postStream: async (_path: string, _body: unknown, onEvent: (e: SseEvent) => void) => {
    for (const e of served) onEvent(e);
  },
}));

const { answerStream } = await import('./stream');
const { bubble } = await import('./message');
const { setLang } = await import('../../i18n');

const sse = (event: string, data: object): SseEvent => ({ event, data: JSON.stringify(data) });
const error = (code: string) => sse('error', { status: 503, title: 'x', detail: 'y', code, userMessageId: '2516064443999999998' });

async function run(events: SseEvent[]) {
  served = events;
  const answer = bubble('assistant', '');
  document.body.replaceChildren(answer.root);
  const notSaved = vi.fn();
  const stream = answerStream(answer, null, { mode: () => {}, titled: () => {}, scroll: () => {}, retry: () => {}, notSaved });
  await stream.run('/api/conversations/c/messages', { text: 'Quel produit ?' });
  return { answer, notSaved, stream };
}

describe('a turn that ends with an error', () => {
  beforeEach(() => setLang('en'));

  it('offers a retry when the question is stored (storage down later in the turn)', async () => {
    const { answer, notSaved, stream } = await run([sse('start', { userMessageId: '2516064443999999998', mode: 'offline' }), error('storage-unavailable')]);
    expect(answer.root.querySelector('[data-testid="retry"]')).not.toBeNull();
    expect(stream.userMessageId).toBe('2516064443999999998');
    expect(notSaved).not.toHaveBeenCalled();
  });

  it('offers no retry when the question itself was not saved, says so, and gives the text back', async () => {
    const { answer, notSaved, stream } = await run([sse('start', { userMessageId: '2516064443999999998', mode: 'offline' }), error('question-not-saved')]);
    expect(answer.root.querySelector('[data-testid="retry"]')).toBeNull();
    expect(answer.root.textContent).toContain('Your message was not saved');
    expect(stream.userMessageId).toBeNull();
    expect(notSaved).toHaveBeenCalledTimes(1);
  });
});
