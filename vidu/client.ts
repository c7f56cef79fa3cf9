/**
 * HTTP client for the Vidu enterprise API (docs/vidu-api.md §0–§8).
 *
 * Retry policy: only idempotent GETs are retried here. A POST that fails may
 * still have created a paid task, so the calling Temporal activity — which can
 * look the task up first — owns that decision.
 */
import { z } from 'zod';
import {
  AdComposeResponse,
  AdEditResponse,
  AdOneClickCreateResponse,
  AdOneClickDetail,
  CancelResponse,
  CREATE_ENDPOINTS,
  ENDPOINT_PATHS,
  CreationsResponse,
  CreditsResponse,
  MusicVideoComposeResponse,
  MusicVideoCreateResponse,
  MusicVideoEditResponse,
  TaskCreatedResponse,
  TaskListResponse,
  ViduErrorBody,
  SubjectCreateResponse,
  SubjectListResponse,
  SubjectUpdateResponse,
} from './schemas';
import type {
  AdComposeRequest,
  AdEditRequest,
  AdOneClickRequest,
  MusicVideoComposeRequest,
  MusicVideoEditRequest,
  MusicVideoRequest,
  SubjectCreateRequest,
  SubjectListQuery,
  SubjectUpdateRequest,
  TaskListQuery,
} from './schemas';
import type { GenerationKind, RequestOf } from './endpoints';
import { ViduApiError, ViduResponseError, ViduTransportError, isKnownViduReason, isRetryableViduError } from './errors';
import {
  DEFAULT_BACKOFF,
  backoffDelayMs,
  classifyTransportFailure,
  describeFailure,
  parseRetryAfter,
  redactSecret,
  sanitizeCause,
  truncate,
} from './http';
import type { ViduEndpointName, ViduRequestEnd, ViduRequestObserver } from './observer';
import { encodeQuery } from './query';

const SNIPPET_CHARS = 500;
const ERROR_MESSAGE_CHARS = 1000;

/** The request body of each generation kind of the registry (vidu/endpoints/). */
export type CreateRequestByKind = { [K in GenerationKind]: RequestOf<K> };
export type CreateKind = GenerationKind;

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const BackoffSchema = z.object({
  initialMs: z.number().int().positive(),
  maxMs: z.number().int().positive(),
  factor: z.number().min(1),
});

/**
 * What a usable API key looks like once trimmed: visible ASCII, no inner whitespace, so it is
 * always a legal header value and the same bytes sign callbacks (platform/config/env.ts checks env keys
 * with this at start-up).
 */
export const API_KEY_PATTERN = /^[\x21-\x7e]+$/;

const ClientOptionsSchema = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.vidu.com')
    .transform((u) => u.replace(/\/+$/, '')),
  // Trimmed because keys read from env files often carry a newline; then
  // restricted to visible ASCII so it is always a legal header value (undici's
  // "invalid header value" error would otherwise quote the key).
  apiKey: z
    .string()
    .trim()
    .min(1, 'apiKey must not be empty')
    .regex(API_KEY_PATTERN, 'apiKey must be printable ASCII without spaces'),
  timeoutMs: z.number().int().positive().default(30_000),
  getRetries: z.number().int().min(0).max(10).default(2),
  retryBackoff: BackoffSchema.default(DEFAULT_BACKOFF),
  fetch: z.custom<FetchLike>((v) => typeof v === 'function', 'fetch must be a function').optional(),
  // Same reason as apiKey: an illegal header value would only fail later, inside fetch.
  userAgent: z
    .string()
    .regex(/^[\x20-\x7e]+$/, 'userAgent must be printable ASCII')
    .optional(),
  /** Metrics and tracing hook (worker/vidu-observer.ts); told of every request attempt. */
  observer: z
    .custom<ViduRequestObserver>(
      (v) => typeof (v as ViduRequestObserver | undefined)?.start === 'function',
      'observer must have a start function',
    )
    .optional(),
});

export type ViduClientOptions = z.input<typeof ClientOptionsSchema>;

export interface CallOptions {
  /** Caller cancellation (e.g. Temporal activity cancellation); its reason is rethrown as-is. */
  signal?: AbortSignal;
}

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT';
  /** The endpoint's name, for the observer (paths hold ids; names are a bounded set). */
  endpoint: ViduEndpointName;
  /** Absolute path from ENDPOINT_PATHS / CREATE_ENDPOINTS; ids already URL-encoded there. */
  path: string;
  query?: string;
  body?: unknown;
  schema: z.ZodType<T>;
  /** Substitute for an empty 2xx body (cancel documents `{}` but also "returns null", which may mean nothing at all). */
  emptyBody?: unknown;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class ViduClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly getRetries: number;
  private readonly retryBackoff: z.output<typeof BackoffSchema>;
  private readonly fetchImpl: FetchLike;
  private readonly userAgent: string | undefined;
  private readonly observer: ViduRequestObserver | undefined;
  // Non-enumerable so util.inspect / JSON.stringify of the client never shows it.
  declare private readonly apiKey: string;

  constructor(options: ViduClientOptions) {
    const parsed = ClientOptionsSchema.safeParse(options);
    if (!parsed.success) {
      // Build the message ourselves: paths and messages only, never input values.
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
      throw new TypeError(`Invalid ViduClient options: ${problems.join('; ')}`);
    }
    const o = parsed.data;
    this.baseUrl = o.baseUrl;
    this.timeoutMs = o.timeoutMs;
    this.getRetries = o.getRetries;
    this.retryBackoff = o.retryBackoff;
    this.fetchImpl = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.userAgent = o.userAgent;
    this.observer = o.observer;
    Object.defineProperty(this, 'apiKey', { value: o.apiKey, enumerable: false, writable: false });
  }

  // ---- create endpoints -------------------------------------------------

  create<K extends CreateKind>(
    kind: K,
    body: CreateRequestByKind[K],
    opts?: CallOptions,
  ): Promise<TaskCreatedResponse> {
    const path = CREATE_ENDPOINTS[kind].path;
    return this.request({ method: 'POST', endpoint: kind, path, body, schema: TaskCreatedResponse }, opts);
  }

  createAdOneClick(body: AdOneClickRequest, opts?: CallOptions): Promise<AdOneClickCreateResponse> {
    return this.request(
      {
        method: 'POST',
        endpoint: 'ad-one-click',
        path: CREATE_ENDPOINTS['ad-one-click'].path,
        body,
        schema: AdOneClickCreateResponse,
      },
      opts,
    );
  }

  getAdOneClick(id: string, opts?: CallOptions): Promise<AdOneClickDetail> {
    return this.request(
      { method: 'GET', endpoint: 'ad-detail', path: ENDPOINT_PATHS.adDetail(id), schema: AdOneClickDetail },
      opts,
    );
  }

  editAdOneClick(body: AdEditRequest, opts?: CallOptions): Promise<AdEditResponse> {
    return this.request(
      { method: 'POST', endpoint: 'ad-edit', path: ENDPOINT_PATHS.adEdit, body, schema: AdEditResponse },
      opts,
    );
  }

  composeAdOneClick(body: AdComposeRequest, opts?: CallOptions): Promise<AdComposeResponse> {
    return this.request(
      { method: 'POST', endpoint: 'ad-compose', path: ENDPOINT_PATHS.adCompose, body, schema: AdComposeResponse },
      opts,
    );
  }

  // ---- one-click MV (docs/vidu-api-more-endpoints.md §10.1; detail, edit and compose are [3P]) ----

  createMusicVideo(body: MusicVideoRequest, opts?: CallOptions): Promise<MusicVideoCreateResponse> {
    return this.request(
      {
        method: 'POST',
        endpoint: 'one-click-mv',
        path: CREATE_ENDPOINTS['one-click-mv'].path,
        body,
        schema: MusicVideoCreateResponse,
      },
      opts,
    );
  }

  /** Read with the AD film's detail schema: the reseller describes the same pattern [3P]. */
  getMusicVideo(id: string, opts?: CallOptions): Promise<AdOneClickDetail> {
    return this.request(
      { method: 'GET', endpoint: 'mv-detail', path: ENDPOINT_PATHS.mvDetail(id), schema: AdOneClickDetail },
      opts,
    );
  }

  editMusicVideo(body: MusicVideoEditRequest, opts?: CallOptions): Promise<MusicVideoEditResponse> {
    return this.request(
      { method: 'POST', endpoint: 'mv-edit', path: ENDPOINT_PATHS.mvEdit, body, schema: MusicVideoEditResponse },
      opts,
    );
  }

  composeMusicVideo(body: MusicVideoComposeRequest, opts?: CallOptions): Promise<MusicVideoComposeResponse> {
    return this.request(
      {
        method: 'POST',
        endpoint: 'mv-compose',
        path: ENDPOINT_PATHS.mvCompose,
        body,
        schema: MusicVideoComposeResponse,
      },
      opts,
    );
  }

  // ---- tasks -------------------------------------------------------------

  getCreations(taskId: string, opts?: CallOptions): Promise<CreationsResponse> {
    return this.request(
      { method: 'GET', endpoint: 'creations', path: ENDPOINT_PATHS.creations(taskId), schema: CreationsResponse },
      opts,
    );
  }

  /**
   * Takes the parsed (wire-shaped) query: dotted keys, arrays. Callers holding
   * raw input run it through the TaskListQuery schema first, which also maps
   * the `pager.page` alias onto the documented `paper.page`.
   */
  listTasks(query: Partial<TaskListQuery> = {}, opts?: CallOptions): Promise<TaskListResponse> {
    return this.request(
      {
        method: 'GET',
        endpoint: 'tasks',
        path: ENDPOINT_PATHS.tasks,
        query: encodeQuery(query),
        schema: TaskListResponse,
      },
      opts,
    );
  }

  /** The documented curl also sends `{"id": …}` in the body, so we do too. */
  cancelTask(taskId: string, opts?: CallOptions): Promise<CancelResponse> {
    return this.request(
      {
        method: 'POST',
        endpoint: 'cancel',
        path: ENDPOINT_PATHS.cancel(taskId),
        body: { id: taskId },
        schema: CancelResponse,
        emptyBody: {},
      },
      opts,
    );
  }

  /** show_detail goes in the query string: the doc's "request body" for a GET is not sendable by clients. */
  getCredits(showDetail?: boolean, opts?: CallOptions): Promise<CreditsResponse> {
    const query = showDetail === undefined ? '' : `show_detail=${showDetail ? 'true' : 'false'}`;
    return this.request(
      { method: 'GET', endpoint: 'credits', path: ENDPOINT_PATHS.credits, query, schema: CreditsResponse },
      opts,
    );
  }

  // ---- the subject library (docs/vidu-api-subjects.md §1) ------------------

  /**
   * Synchronous and paid (5 credits) with no client_request_id: a create that fails in transit may
   * still have made a subject, so it is never retried here (activities/subjects.ts looks first).
   */
  createSubject(body: SubjectCreateRequest, opts?: CallOptions): Promise<SubjectCreateResponse> {
    return this.request(
      { method: 'POST', endpoint: 'subjects', path: ENDPOINT_PATHS.subjects, body, schema: SubjectCreateResponse },
      opts,
    );
  }

  /** The list; `subject_ids` is the only way to get one subject (no GET by id is documented). */
  listSubjects(query: SubjectListQuery = {}, opts?: CallOptions): Promise<SubjectListResponse> {
    return this.request(
      {
        method: 'GET',
        endpoint: 'subjects',
        path: ENDPOINT_PATHS.subjects,
        query: encodeQuery(query),
        schema: SubjectListResponse,
      },
      opts,
    );
  }

  /** PUT: the same body twice leaves the same subject, but PUT is not retried here either (free, caller decides). */
  updateSubject(body: SubjectUpdateRequest, opts?: CallOptions): Promise<SubjectUpdateResponse> {
    return this.request(
      {
        method: 'PUT',
        endpoint: 'subjects',
        path: ENDPOINT_PATHS.subject(body.id),
        body,
        schema: SubjectUpdateResponse,
      },
      opts,
    );
  }

  // ---- plumbing ----------------------------------------------------------

  private async request<T>(spec: RequestSpec<T>, opts: CallOptions | undefined): Promise<T> {
    const maxAttempts = spec.method === 'GET' ? 1 + this.getRetries : 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(spec, opts);
      } catch (err) {
        if (attempt + 1 >= maxAttempts || !isRetryableViduError(err)) throw err;
        const hinted = err instanceof ViduApiError ? err.retryAfterMs : undefined;
        // A server asking for a longer pause than we are willing to sleep in-process
        // gets it from the caller's retry policy instead (the error carries retryAfterMs).
        if (hinted !== undefined && hinted > this.retryBackoff.maxMs) throw err;
        await sleep(hinted ?? backoffDelayMs(attempt, this.retryBackoff), opts?.signal);
      }
    }
  }

  /** One request, reported to the observer (when there is one) as it starts and ends. */
  private async attempt<T>(spec: RequestSpec<T>, opts: CallOptions | undefined): Promise<T> {
    const end = this.observer?.start({ endpoint: spec.endpoint, method: spec.method });
    if (!end) return this.send(spec, opts);
    try {
      const result = await this.send(spec, opts);
      end({ ok: true });
      return result;
    } catch (err) {
      end(requestEndOf(err));
      throw err;
    }
  }

  private async send<T>(spec: RequestSpec<T>, opts: CallOptions | undefined): Promise<T> {
    const endpoint = `${spec.method} ${spec.path}`;
    const url = `${this.baseUrl}${spec.path}${spec.query ? `?${spec.query}` : ''}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = opts?.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    const headers: Record<string, string> = {
      Authorization: `Token ${this.apiKey}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    if (this.userAgent) headers['User-Agent'] = this.userAgent;

    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
        // A redirect would turn a POST into a GET and could carry the key elsewhere;
        // Vidu never documents one, so surface it as an error instead.
        redirect: 'manual',
      });
    } catch (err) {
      throw this.transportError(err, endpoint, timeout, opts?.signal, false);
    }

    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw this.transportError(err, endpoint, timeout, opts?.signal, true);
    }

    if (res.status < 200 || res.status > 299) throw this.apiError(res, text, endpoint);
    return this.parseSuccess(spec, res.status, text, endpoint);
  }

  private transportError(
    err: unknown,
    endpoint: string,
    timeout: AbortSignal,
    callerSignal: AbortSignal | undefined,
    responseStarted: boolean,
  ): unknown {
    // The caller's own cancellation is not a transport failure: give it back untouched.
    if (callerSignal?.aborted && !timeout.aborted) return callerSignal.reason ?? err;
    const c = classifyTransportFailure(err, { timedOut: timeout.aborted, responseStarted });
    const detail = timeout.aborted
      ? `no complete response within ${this.timeoutMs} ms`
      : redactSecret(truncate(describeFailure(err), ERROR_MESSAGE_CHARS), this.apiKey);
    return new ViduTransportError({
      endpoint,
      kind: c.kind,
      ambiguous: c.ambiguous,
      code: c.code,
      detail,
      cause: sanitizeCause(err, this.apiKey),
    });
  }

  private apiError(res: Response, text: string, endpoint: string): ViduApiError {
    const scrubbed = redactSecret(text, this.apiKey);
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    const body = parseJson(scrubbed);
    const strict = ViduErrorBody.safeParse(body);
    // Be liberal: Vidu's shape with a field off-spec (e.g. a shorter trace id)
    // still tells us the reason, which decides retryability.
    const vidu: LooseErrorBody | undefined = strict.success
      ? { reason: strict.data.reason, message: strict.data.message, traceId: strict.data.metadata?.trace_id }
      : looseErrorBody(body);
    if (vidu) {
      return new ViduApiError({
        status: res.status,
        reason: redactSecret(vidu.reason, this.apiKey),
        viduMessage: redactSecret(truncate(vidu.message, ERROR_MESSAGE_CHARS), this.apiKey),
        traceId: vidu.traceId || undefined,
        retryAfterMs,
        endpoint,
      });
    }
    return new ViduApiError({
      status: res.status,
      reason: 'Unknown',
      viduMessage: truncate(scrubbed.trim(), SNIPPET_CHARS),
      traceId: undefined,
      retryAfterMs,
      endpoint,
    });
  }

  private parseSuccess<T>(spec: RequestSpec<T>, status: number, text: string, endpoint: string): T {
    const fail = (detail: string) =>
      new ViduResponseError({
        endpoint,
        status,
        detail: redactSecret(detail, this.apiKey),
        bodySnippet: redactSecret(truncate(text, SNIPPET_CHARS), this.apiKey),
      });
    let body: unknown;
    if (text.trim() === '') {
      if (spec.emptyBody === undefined) throw fail('empty body');
      body = spec.emptyBody;
    } else {
      body = parseJson(text);
      if (body === NOT_JSON) throw fail('body is not JSON');
    }
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw fail(truncate(issues, ERROR_MESSAGE_CHARS));
    }
    return parsed.data;
  }
}

/** A failed request's observer report: bounded reasons only (an unknown Vidu reason reads `Unknown`). */
function requestEndOf(err: unknown): ViduRequestEnd {
  if (err instanceof ViduApiError)
    return { ok: false, status: err.status, reason: isKnownViduReason(err.reason) ? err.reason : 'Unknown' };
  if (err instanceof ViduTransportError) return { ok: false, reason: err.kind };
  if (err instanceof ViduResponseError) return { ok: false, status: err.status, reason: 'bad-response' };
  return { ok: false, reason: 'cancelled' };
}

const NOT_JSON = Symbol('not-json');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

interface LooseErrorBody {
  reason: string;
  message: string;
  traceId: string | undefined;
}

function looseErrorBody(body: unknown): LooseErrorBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.reason !== 'string' || b.reason === '') return undefined;
  const meta = typeof b.metadata === 'object' && b.metadata !== null ? (b.metadata as Record<string, unknown>) : {};
  return {
    reason: b.reason,
    message: typeof b.message === 'string' ? b.message : '',
    traceId: typeof meta.trace_id === 'string' ? meta.trace_id : undefined,
  };
}
