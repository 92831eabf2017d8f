import { describe, expect, it } from 'vitest';
import { readEventStream, SseParser, type SseEvent } from './sse';

const STREAM =
  'event: start\r\ndata: {"userMessageId":"u1","mode":"offline"}\r\n\r\n' +
  ': keep-alive comment\n\n' +
  'event: delta\ndata: {"text":"Bonjour "}\n\n' +
  'event: delta\ndata: {"text":"é🙂 <script>"}\n\n' +
  'event: delta\ndata: line one\ndata: line two\n\n' +
  'event: done\rdata: {"assistantMessageId":"a1","outcome":"completed"}\r\r';

const EXPECTED: SseEvent[] = [
  { event: 'start', data: '{"userMessageId":"u1","mode":"offline"}' },
  { event: 'delta', data: '{"text":"Bonjour "}' },
  { event: 'delta', data: '{"text":"é🙂 <script>"}' },
  { event: 'delta', data: 'line one\nline two' },
  { event: 'done', data: '{"assistantMessageId":"a1","outcome":"completed"}' },
];

function parseInChunks(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.push(c));
  return [...events, ...parser.end()];
}

describe('SseParser', () => {
  it('parses a whole stream', () => {
    expect(parseInChunks([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the text is split in two', () => {
    for (let i = 0; i <= STREAM.length; i += 1) {
      expect(parseInChunks([STREAM.slice(0, i), STREAM.slice(i)])).toEqual(EXPECTED);
    }
  });

  it('gives the same events when fed one character at a time', () => {
    expect(parseInChunks(Array.from(STREAM))).toEqual(EXPECTED);
  });

  it('dispatches a last event that lacks its blank line', () => {
    expect(parseInChunks(['event: done\ndata: {}'])).toEqual([{ event: 'done', data: '{}' }]);
  });

  it('ignores events without data and unknown fields', () => {
    expect(parseInChunks(['event: ping\n\nretry: 10\nfoo: bar\ndata: x\n\n'])).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('readEventStream', () => {
  it('decodes UTF-8 split inside a multi-byte character, at every byte boundary', async () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let i = 0; i <= bytes.length; i += 3) {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, i));
          controller.enqueue(bytes.slice(i));
          controller.close();
        },
      });
      const events: SseEvent[] = [];
      await readEventStream(body, (e) => events.push(e));
      expect(events).toEqual(EXPECTED);
    }
  });
});
