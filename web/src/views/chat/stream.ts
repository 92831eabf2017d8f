import { chatEvent, postStream } from '../../api';
import { replace } from '../../dom';
import { t } from '../../i18n';
import type { SseEvent } from '../../sse';
import { durationText, notice } from '../../ui';
import { tx } from '../../scope';
import { showSources } from '../sources';
import { answerNotice, failure, setMeta, setText, type Bubble } from './message';

export interface StreamEvents {
  /** The answer's mode is known (start, then done): the offline badge follows it. */
  mode: (mode: string | undefined) => void;
  /** The server named the conversation after its first message. */
  titled: (title: string) => void;
  /** Text arrived: keep the reader at the end if they were there. */
  scroll: () => void;
  /** The retry button of a failed answer. */
  retry: (userMessageId: string, into: Bubble) => void;
  /** The question was not stored (storage down at its insert): put its text back to send again. */
  notSaved?: () => void;
}

/** One answer streamed into a bubble: the server-sent events of a turn (start, delta, reset, done, error). */
export interface AnswerStream {
  /** The question's id, once the server said it (or the retried one). */
  readonly userMessageId: string | null;
  /** Posts the turn and paints the answer as it comes; an interrupted stream ends as a failure with a retry. Throws what the request throws (a problem before any event). */
  run: (path: string, body: unknown) => Promise<void>;
}

export function answerStream(answer: Bubble, retryOf: string | null, events: StreamEvents): AnswerStream {
  let userMessageId: string | null = retryOf;
  let text = '';
  let mode: string | undefined;
  let finished = false;
  let frame = 0;
  const paint = (): void => {
    frame = 0;
    setText(answer, 'assistant', text);
    events.scroll();
  };
  const onEvent = (sse: SseEvent): void => {
    const event = chatEvent(sse);
    if (!event) return;
    if (event.event === 'start') {
      const { data } = event;
      userMessageId = data.userMessageId ?? userMessageId;
      mode = data.mode;
      events.mode(mode);
    } else if (event.event === 'delta') {
      text += typeof event.data.text === 'string' ? event.data.text : '';
      frame ||= requestAnimationFrame(paint);
    } else if (event.event === 'reset') {
      // The answer starts again (the model failed mid-answer; the playbooks answer instead): drop what came.
      text = '';
      frame ||= requestAnimationFrame(paint);
    } else if (event.event === 'done') {
      const { data } = event;
      finished = true;
      mode = data.mode ?? mode;
      events.mode(mode);
      if (frame) cancelAnimationFrame(frame);
      paint();
      setMeta(answer, 'assistant', new Date().toISOString(), mode);
      showSources(answer.root, answer.meta, data.sources);
      if (data.outcome === 'content-filtered') answer.body.after(notice('warning', tx('chat.filtered')));
      const why = answerNotice(data.notice);
      if (why) answer.body.after(why);
      if (typeof data.title === 'string' && data.title) events.titled(data.title);
    } else if (event.event === 'error') {
      const { data } = event;
      finished = true;
      if (frame) cancelAnimationFrame(frame);
      if (text) paint();
      else replace(answer.body);
      const wait = typeof data.retryAfter === 'number' ? data.retryAfter : undefined;
      if (data.code === 'question-not-saved') {
        // The question itself was not stored: no retry (its id does not exist); the text is to be sent again.
        userMessageId = null;
        failure(answer, null, () => t('chat.questionNotSaved'), events.retry);
        events.notSaved?.();
        return;
      }
      failure(answer, userMessageId, () => (data.code === 'model-busy' ? t('chat.modelBusyFailed', { wait: durationText(wait) }) : data.code === 'storage-unavailable' ? t('error.storageUnavailable') : data.code === 'turn-timeout' ? t('chat.timedOut') : t('chat.failed')), events.retry);
    }
  };
  return {
    get userMessageId() {
      return userMessageId;
    },
    run: async (path, body) => {
      await postStream(path, body, onEvent);
      if (!finished) {
        if (text) paint();
        failure(answer, userMessageId, () => t('chat.interrupted'), events.retry);
      }
    },
  };
}
