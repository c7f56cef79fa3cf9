/**
 * Vidu error catalogue (docs/vidu-api.md §9) and the typed errors thrown by ViduClient.
 *
 * Every error here is built from data the client has already scrubbed of the
 * API key (see redactSecret in ./http). toJSON() emits only whitelisted plain
 * fields so that converting an error into Temporal failure details can never
 * drag along a request object, headers or an undici cause chain.
 */

export interface ViduErrorInfo {
  /** HTTP status Vidu documents for this reason. */
  readonly status: number;
  /** Whether repeating the same request later can succeed without changing it. */
  readonly retryable: boolean;
  readonly meaning: string;
}

export const VIDU_ERROR_CATALOGUE = {
  BadRequest: { status: 400, retryable: false, meaning: 'invalid request (also: cancel refused for the task state)' },
  FieldLacking: { status: 400, retryable: false, meaning: 'missing or empty field(s), named in the message' },
  FieldUnwanted: { status: 400, retryable: false, meaning: 'unexpected field(s)' },
  FieldItemCountOutOfRange: { status: 400, retryable: false, meaning: 'too many or too few items' },
  PageSizeOutOfRange: {
    status: 400,
    retryable: false,
    meaning: 'image size/format/aspect-ratio problem (despite the name)',
  },
  // [INF] Not retryable by default. Vidu downloads the URL itself; in practice this
  // means a private, expired or mistyped URL (e.g. a presigned link that has run
  // out), which an identical retry cannot fix — and under Temporal's retry policy
  // it would just burn attempts for minutes. Callers that know their media host is
  // flaky can still choose to retry on this reason explicitly.
  ImageDownloadFailure: { status: 400, retryable: false, meaning: 'Vidu could not fetch an input image URL' },
  // Vidu's docs explicitly say "please retry later" despite the 400 status.
  OperationInProcess: { status: 400, retryable: true, meaning: 'operation in process, retry later' },
  TaskPromptPolicyViolation: { status: 400, retryable: false, meaning: 'prompt blocked by content policy' },
  ImageFormatInvalid: { status: 400, retryable: false, meaning: 'bad image format' },
  AuditSubmitIllegal: { status: 400, retryable: false, meaning: 'input failed safety review' },
  // Not retryable: only a top-up fixes it, which is a human action, not a backoff.
  CreditInsufficient: { status: 400, retryable: false, meaning: 'not enough credits' },
  CreationPolicyViolation: { status: 400, retryable: false, meaning: 'generated output blocked; needs a new prompt' },
  // [INF] Not retryable: "check model" — almost always a model name that this
  // endpoint does not offer, so an identical retry fails the same way.
  ModelUnavailable: { status: 400, retryable: false, meaning: 'model unavailable for this request' },
  UserCancelled: { status: 400, retryable: false, meaning: 'the user cancelled the task' },
  FieldInvalid: { status: 400, retryable: false, meaning: 'a parameter failed validation' },
  // [INF] HTTP status not visible in the newer EN table; 400 assumed like the other input checks.
  ImageCheckBodyJointsFailed: { status: 400, retryable: false, meaning: 'body/joint detection failed or occluded' },
  ImageCheckFaceFailed: { status: 400, retryable: false, meaning: 'face detection failed or occluded' },
  ImageObjectsUndetected: { status: 400, retryable: false, meaning: 'no subject detected in the image' },
  Unauthorized: { status: 401, retryable: false, meaning: 'bad or missing API key' },
  Forbidden: { status: 403, retryable: false, meaning: 'not allowed' },
  TaskNotFound: { status: 404, retryable: false, meaning: 'unknown task id' },
  CreationNotFound: { status: 404, retryable: false, meaning: 'unknown creation' },
  NotFound: { status: 404, retryable: false, meaning: 'unknown resource' },
  // [INF] A key conflict will not resolve itself by repeating the request.
  Conflict: { status: 409, retryable: false, meaning: 'resource key conflict' },
  // [INF] Concurrency quota: tasks finish and free slots, so backing off works.
  QuotaExceeded: { status: 429, retryable: true, meaning: 'concurrency limit exceeded' },
  TooManyRequests: { status: 429, retryable: true, meaning: 'request rate too high' },
  SystemThrottling: { status: 429, retryable: true, meaning: 'system resource limit exceeded' },
  // Status 499 is "client closed request": we gave up, so the caller decides; the
  // status-based rule below deliberately does not cover 499 either.
  Canceled: { status: 499, retryable: false, meaning: 'client cancelled the request' },
  InternalServiceFailure: { status: 500, retryable: true, meaning: 'internal failure, retry later' },
} as const satisfies Record<string, ViduErrorInfo>;

export type ViduErrorReason = keyof typeof VIDU_ERROR_CATALOGUE;

/**
 * What a new task can change about a failed task's `err_code` (docs/vidu-api.md §9.1): `same` (a
 * new task with the same request), `reseed` (a new seed: the output was refused), `other-model`
 * (the next fallback model), `never` (the input, the parameters or the account are at fault).
 */
export type TaskFailureClass = 'same' | 'reseed' | 'other-model' | 'never';

export interface TaskFailureInfo {
  readonly retry: TaskFailureClass;
  /** The input Vidu says it refused, when it says which (docs/vidu-api.md §9.1). */
  readonly refusedInput?: 'prompt' | 'images' | 'input (image, video or text)';
  /** Where the classification comes from. */
  readonly source: string;
}

const S91 = 'docs/vidu-api.md §9.1';
const inputRefused = (refusedInput: TaskFailureInfo['refusedInput']): TaskFailureInfo => ({
  retry: 'never',
  refusedInput,
  source: S91,
});
const never: TaskFailureInfo = { retry: 'never', source: S91 };

/** Every documented err_code, classified once (docs/vidu-api.md §9.1); anything else is `unknown`. */
export const TASK_FAILURE_CATALOGUE = {
  InternalServiceFailure: { retry: 'same', source: S91 },
  OperationInProcess: { retry: 'same', source: S91 },
  CreationPolicyViolation: { retry: 'reseed', source: S91 },
  ModelUnavailable: { retry: 'other-model', source: S91 },
  AuditSubmitIllegal: inputRefused('input (image, video or text)'),
  TaskPromptPolicyViolation: inputRefused('prompt'),
  ImageFormatInvalid: inputRefused('images'),
  PageSizeOutOfRange: inputRefused('images'),
  ImageDownloadFailure: inputRefused('images'),
  ImageCheckBodyJointsFailed: inputRefused('images'),
  ImageCheckFaceFailed: inputRefused('images'),
  ImageObjectsUndetected: inputRefused('images'),
  BadRequest: never,
  FieldLacking: never,
  FieldUnwanted: never,
  FieldInvalid: never,
  FieldItemCountOutOfRange: never,
  CreditInsufficient: never,
  UserCancelled: never,
} as const satisfies Record<string, TaskFailureInfo>;

export type TaskFailureCode = keyof typeof TASK_FAILURE_CATALOGUE;

/** An undocumented err_code: a new task with the same request, at most once, then surfaced (docs/vidu-api.md §9.1). */
export const UNKNOWN_TASK_FAILURE: TaskFailureInfo & { readonly unknown: true } = {
  retry: 'same',
  source: S91,
  unknown: true,
};

export function classifyTaskFailure(errCode: string): TaskFailureInfo & { readonly unknown?: true } {
  return Object.prototype.hasOwnProperty.call(TASK_FAILURE_CATALOGUE, errCode)
    ? TASK_FAILURE_CATALOGUE[errCode as TaskFailureCode]
    : UNKNOWN_TASK_FAILURE;
}

/** An input refusal (`never` with a named input): retried only when the policy says so explicitly. */
export function isInputRefusal(errCode: string): boolean {
  return classifyTaskFailure(errCode).refusedInput !== undefined;
}

export function isKnownViduReason(reason: string): reason is ViduErrorReason {
  return Object.prototype.hasOwnProperty.call(VIDU_ERROR_CATALOGUE, reason);
}

/** Transient by HTTP semantics regardless of the body: timeouts, throttling, server faults. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * A status that itself says "transient" wins over the reason: a 5xx/429 carrying
 * a 400-class reason is most likely a gateway or mislabelled error, and retrying
 * a GET or letting the workflow retry is the safe reading.
 */
export function isRetryableViduFailure(status: number, reason: string): boolean {
  if (isRetryableStatus(status)) return true;
  return isKnownViduReason(reason) ? VIDU_ERROR_CATALOGUE[reason].retryable : false;
}

export interface ViduApiErrorInit {
  status: number;
  reason: string;
  viduMessage: string;
  traceId: string | undefined;
  retryAfterMs: number | undefined;
  endpoint: string;
  /** Defaults to isRetryableViduFailure(status, reason). */
  retryable?: boolean;
}

export interface ViduApiErrorData {
  name: 'ViduApiError';
  message: string;
  status: number;
  reason: string;
  viduMessage: string;
  traceId: string | undefined;
  retryable: boolean;
  retryAfterMs: number | undefined;
  endpoint: string;
}

/** Vidu answered with a non-2xx status. */
export class ViduApiError extends Error {
  declare readonly name: 'ViduApiError';
  readonly status: number;
  /** Vidu's error code string, or 'Unknown' when the body was not Vidu's error shape. */
  readonly reason: string;
  readonly viduMessage: string;
  readonly traceId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** e.g. 'POST /ent/v2/img2video' — never includes host or query. */
  readonly endpoint: string;

  constructor(init: ViduApiErrorInit) {
    const trace = init.traceId ? ` (trace ${init.traceId})` : '';
    const detail = init.viduMessage ? `: ${init.viduMessage}` : '';
    super(`Vidu ${init.endpoint} failed: ${init.status} ${init.reason}${detail}${trace}`);
    this.status = init.status;
    this.reason = init.reason;
    this.viduMessage = init.viduMessage;
    this.traceId = init.traceId;
    this.retryable = init.retryable ?? isRetryableViduFailure(init.status, init.reason);
    this.retryAfterMs = init.retryAfterMs;
    this.endpoint = init.endpoint;
  }

  toJSON(): ViduApiErrorData {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      reason: this.reason,
      viduMessage: this.viduMessage,
      traceId: this.traceId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      endpoint: this.endpoint,
    };
  }
}

export type TransportFailureKind = 'timeout' | 'network';

export interface ViduTransportErrorInit {
  endpoint: string;
  kind: TransportFailureKind;
  ambiguous: boolean;
  /** Low-level error code such as ECONNREFUSED, if known. */
  code: string | undefined;
  detail: string;
  /** Must already be scrubbed (see sanitizeCause in ./http). */
  cause: unknown;
}

export interface ViduTransportErrorData {
  name: 'ViduTransportError';
  message: string;
  endpoint: string;
  kind: TransportFailureKind;
  code: string | undefined;
  ambiguous: boolean;
  retryable: true;
}

/** No HTTP response was obtained (or it was cut off): network failure or timeout. */
export class ViduTransportError extends Error {
  declare readonly name: 'ViduTransportError';
  readonly endpoint: string;
  readonly kind: TransportFailureKind;
  readonly code: string | undefined;
  /**
   * True when the request may have reached Vidu. For a create POST that means a
   * paid task may exist: the caller must look before creating again.
   */
  readonly ambiguous: boolean;
  readonly retryable = true as const;

  constructor(init: ViduTransportErrorInit) {
    const code = init.code ? ` [${init.code}]` : '';
    const amb = init.ambiguous ? ' (request may have reached Vidu)' : ' (request did not reach Vidu)';
    super(
      `Vidu ${init.endpoint} ${init.kind === 'timeout' ? 'timed out' : 'network failure'}${code}: ${init.detail}${amb}`,
      {
        cause: init.cause,
      },
    );
    this.endpoint = init.endpoint;
    this.kind = init.kind;
    this.code = init.code;
    this.ambiguous = init.ambiguous;
  }

  toJSON(): ViduTransportErrorData {
    return {
      name: this.name,
      message: this.message,
      endpoint: this.endpoint,
      kind: this.kind,
      code: this.code,
      ambiguous: this.ambiguous,
      retryable: this.retryable,
    };
  }
}

export interface ViduResponseErrorInit {
  endpoint: string;
  status: number;
  detail: string;
  /** Truncated, scrubbed body text. Headers are never kept. */
  bodySnippet: string;
}

export interface ViduResponseErrorData {
  name: 'ViduResponseError';
  message: string;
  endpoint: string;
  status: number;
  bodySnippet: string;
  retryable: false;
}

/**
 * 2xx whose body did not match the expected schema. Not retryable: the same
 * request will get the same shape back; this needs a code or schema fix. For a
 * create POST the task was probably created anyway — treat as ambiguous upstream.
 */
export class ViduResponseError extends Error {
  declare readonly name: 'ViduResponseError';
  readonly endpoint: string;
  readonly status: number;
  readonly bodySnippet: string;
  readonly retryable = false as const;

  constructor(init: ViduResponseErrorInit) {
    super(`Vidu ${init.endpoint} returned ${init.status} with an unexpected body: ${init.detail}`);
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.bodySnippet = init.bodySnippet;
  }

  toJSON(): ViduResponseErrorData {
    return {
      name: this.name,
      message: this.message,
      endpoint: this.endpoint,
      status: this.status,
      bodySnippet: this.bodySnippet,
      retryable: this.retryable,
    };
  }
}

// On the prototype rather than as an instance field so the stack trace, which
// is captured inside Error's constructor, already starts with the right name.
for (const cls of [ViduApiError, ViduTransportError, ViduResponseError]) {
  Object.defineProperty(cls.prototype, 'name', { value: cls.name, writable: true, configurable: true });
}

export type ViduError = ViduApiError | ViduTransportError | ViduResponseError;

export function isViduError(err: unknown): err is ViduError {
  return err instanceof ViduApiError || err instanceof ViduTransportError || err instanceof ViduResponseError;
}

/** False for anything that is not one of our typed errors: unknown failures are bugs, not weather. */
export function isRetryableViduError(err: unknown): boolean {
  return isViduError(err) && err.retryable;
}
