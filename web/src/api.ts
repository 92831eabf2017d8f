/**
 * The one way this app talks to the server: relative /api/ URLs, the session cookie sent same-origin only,
 * and `X-Requested-With: jimp` on every state-changing call (the API also checks the Origin header).
 * Errors come back as RFC 9457 problems; ApiError carries their status, stable code and field errors.
 */
import type { components, paths } from './api-types';
import { readEventStream, type SseEvent } from './sse';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  traceId?: string;
  errors?: Record<string, string[] | string>;
  /** budget-used: which budget (turns, tokens) and when it renews (ISO time). */
  limit?: string;
  resetsAt?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly problem: Problem;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, problem: Problem, retryAfterSeconds?: number) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Field errors, keyed by camelCase field name. */
  get fieldErrors(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(this.problem.errors ?? {})) {
      const field = key.length > 0 ? key[0]!.toLowerCase() + key.slice(1) : key;
      result[field] = Array.isArray(value) ? value : [String(value)];
    }
    return result;
  }

  /** The endpoint does not exist yet on this server (features still being deployed). */
  get isMissingEndpoint(): boolean {
    return this.status === 501 || this.status === 405 || this.code === 'no-route' || (this.status === 404 && !this.code && !this.problem.type?.includes('not-found'));
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function headersFor(method: string, hasBody: boolean, accept = 'application/json'): Headers {
  const headers = new Headers({ Accept: accept });
  if (hasBody) headers.set('Content-Type', 'application/json');
  if (MUTATING.has(method)) headers.set('X-Requested-With', 'jimp');
  return headers;
}

function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('Retry-After');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
}

async function problemOf(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status };
  try {
    const type = response.headers.get('Content-Type') ?? '';
    if (type.includes('json')) problem = { status: response.status, ...((await response.json()) as Problem) };
  } catch {
    // a body that is not JSON: keep the status only
  }
  return new ApiError(response.status, problem, retryAfter(response));
}

async function send(method: string, path: string, body?: unknown, accept?: string, signal?: AbortSignal): Promise<Response> {
  if (!path.startsWith('/api/')) throw new Error('API paths are relative and start with /api/');
  try {
    return await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: headersFor(method, body !== undefined, accept),
      body: body === undefined ? null : JSON.stringify(body),
      cache: 'no-store',
      signal: signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, { title: 'network' });
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('Content-Type') ?? '';
  // A host that does not know the route may answer with the app's index.html: that is a missing endpoint.
  if (type.includes('text/html')) throw new ApiError(501, { title: 'not available' });
  if (!type.includes('json')) return undefined as T;
  return (await response.json()) as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => api<T>('POST', path, body);
export const put = <T>(path: string, body?: unknown): Promise<T> => api<T>('PUT', path, body);
export const patch = <T>(path: string, body?: unknown): Promise<T> => api<T>('PATCH', path, body);
export const del = <T>(path: string): Promise<T> => api<T>('DELETE', path);

/**
 * A POST answered with text/event-stream (a chat turn). Problems before the stream starts (400, 403, 404,
 * 429) are thrown as ApiError; events are handed over as they arrive.
 */
export async function postStream(path: string, body: unknown, onEvent: (event: SseEvent) => void, signal?: AbortSignal): Promise<void> {
  const response = await send('POST', path, body, 'text/event-stream', signal);
  if (!response.ok) throw await problemOf(response);
  if (!response.body || !(response.headers.get('Content-Type') ?? '').includes('text/event-stream')) {
    throw new ApiError(501, { title: 'not a stream' });
  }
  await readEventStream(response.body, onEvent);
}

// ---- Types of the contract ----
// Generated from docs/openapi.json (itself generated from the C# records) into api-types.ts by
// `npm run generate:api` (scripts/openapi.sh does both); `npm run build` fails when they drift.

type Schemas = components['schemas'];

export type PolicyRef = Schemas['UpcomingPolicy'];
export type UserSummary = Schemas['UserSummary'];
export type PolicyVersion = Schemas['PolicyVersionSummary'];
export type PolicyDocument = Schemas['PolicyResponse'];
export type TermsDocument = Schemas['TermsResponse'];
export type Option = Schemas['ProfileOptionView'];
export type ProfileOptions = Schemas['ProfileOptionsResponse'];
/** A profile as the server answers it; the body of PUT /api/me/profile is {@link ProfileInput}. */
export type Profile = Schemas['ProfileView'];
export type UnsubscribeResult = Schemas['UnsubscribeResult'];
export type ProfileInput = Schemas['CoachProfile'];
export type Conversation = Schemas['ConversationView'];
export type Message = Schemas['MessageView'];
export type Playbook = Schemas['PlaybookView'];
export type PlaybookText = Schemas['PlaybookTextView'];
export type PlaybookList = Schemas['PlaybookList'];
export type SourceRef = Schemas['SourceRef'];
export type TrendItem = Schemas['TrendEntry'];
export type Trends = Schemas['TrendsResponse'];
/** The query of GET /api/trends: `kind` is one of the kinds the server knows. */
export type TrendQuery = NonNullable<paths['/api/trends']['get']['parameters']['query']>;
export type ExportItem = Schemas['ExportRecordView'];
export type RequestItem = Schemas['RequestView'];
export type ConsentItem = Schemas['ConsentView'];
export type ActivityEvent = Schemas['SecurityEvent'];
export type WorkspaceCategory = Schemas['WorkspaceCategory'];

/**
 * One event of a chat turn's stream: its name (the `event:` line) and its data, typed by the schemas docs/openapi.json
 * names for each event (`x-events` of POST /api/conversations/{id}/messages; api.test.ts checks these names are those).
 */
export type ChatStreamEvent =
  | { event: 'start'; data: Schemas['ChatStartEvent'] }
  | { event: 'delta'; data: Schemas['ChatDeltaEvent'] }
  | { event: 'reset'; data: Schemas['ChatResetEvent'] }
  | { event: 'done'; data: Schemas['ChatDoneEvent'] }
  | { event: 'error'; data: Schemas['ChatErrorEvent'] };
export type ChatNotice = Schemas['CoachNotice'];

/** The names of {@link ChatStreamEvent}, as a value (checked against the document). */
export const CHAT_EVENTS: readonly ChatStreamEvent['event'][] = ['start', 'delta', 'reset', 'done', 'error'];

/** A chat stream's event with its data parsed; null for an event this app does not know or data that is not JSON. */
export function chatEvent(event: SseEvent): ChatStreamEvent | null {
  if (!(CHAT_EVENTS as readonly string[]).includes(event.event)) return null;
  try {
    const data: unknown = JSON.parse(event.data);
    return data && typeof data === 'object' ? ({ event: event.event, data } as ChatStreamEvent) : null;
  } catch {
    return null;
  }
}
export type WorkspaceOptions = Schemas['WorkspaceOptionsResponse'];
export type WorkspaceProduct = Schemas['ProductItem'];
export type WorkspaceProducts = Schemas['ProductList'];
export type WorkspaceVideo = Schemas['Video'];
export type ImportResult = Schemas['ImportResult'];
export type CreatorInsights = Schemas['CreatorInsightsView'];
export type WeeklyPlan = Schemas['WeeklyPlan'];
/** One bad row of a CSV import: the `rows` of a 400 csv-invalid problem (an extension the Problem schema does not name). */
export interface CsvRowError { line: number; column?: string | null; message: string }
