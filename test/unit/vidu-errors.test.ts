import { describe, expect, it } from 'vitest';
import {
  VIDU_ERROR_CATALOGUE,
  ViduApiError,
  ViduResponseError,
  ViduTransportError,
  isKnownViduReason,
  isRetryableStatus,
  isRetryableViduError,
  isRetryableViduFailure,
} from '../../vidu/errors';
import { classifyTransportFailure, findErrorCode, redactSecret, sanitizeCause } from '../../vidu/http';

// Every reason in docs/vidu-api.md §9, with its documented status.
const DOC_REASONS: Record<string, number> = {
  BadRequest: 400,
  FieldLacking: 400,
  FieldUnwanted: 400,
  FieldItemCountOutOfRange: 400,
  PageSizeOutOfRange: 400,
  ImageDownloadFailure: 400,
  OperationInProcess: 400,
  TaskPromptPolicyViolation: 400,
  ImageFormatInvalid: 400,
  AuditSubmitIllegal: 400,
  CreditInsufficient: 400,
  CreationPolicyViolation: 400,
  ModelUnavailable: 400,
  UserCancelled: 400,
  FieldInvalid: 400,
  ImageCheckBodyJointsFailed: 400,
  ImageCheckFaceFailed: 400,
  ImageObjectsUndetected: 400,
  Unauthorized: 401,
  Forbidden: 403,
  TaskNotFound: 404,
  CreationNotFound: 404,
  NotFound: 404,
  Conflict: 409,
  QuotaExceeded: 429,
  TooManyRequests: 429,
  SystemThrottling: 429,
  Canceled: 499,
  InternalServiceFailure: 500,
};

const RETRYABLE = new Set([
  'OperationInProcess',
  'QuotaExceeded',
  'TooManyRequests',
  'SystemThrottling',
  'InternalServiceFailure',
]);

describe('VIDU_ERROR_CATALOGUE', () => {
  it('covers exactly the reasons of docs/vidu-api.md §9 with their statuses', () => {
    expect(Object.keys(VIDU_ERROR_CATALOGUE).sort()).toEqual(Object.keys(DOC_REASONS).sort());
    for (const [reason, status] of Object.entries(DOC_REASONS)) {
      expect(isKnownViduReason(reason)).toBe(true);
      if (isKnownViduReason(reason)) {
        expect(VIDU_ERROR_CATALOGUE[reason].status, reason).toBe(status);
        expect(VIDU_ERROR_CATALOGUE[reason].meaning.length).toBeGreaterThan(0);
      }
    }
  });

  it('marks only the transient reasons retryable', () => {
    for (const reason of Object.keys(DOC_REASONS)) {
      if (isKnownViduReason(reason)) {
        expect(VIDU_ERROR_CATALOGUE[reason].retryable, reason).toBe(RETRYABLE.has(reason));
      }
    }
    expect(VIDU_ERROR_CATALOGUE.ImageDownloadFailure.retryable).toBe(false);
    expect(VIDU_ERROR_CATALOGUE.CreditInsufficient.retryable).toBe(false);
  });

  it('does not treat inherited object keys as reasons', () => {
    expect(isKnownViduReason('toString')).toBe(false);
    expect(isKnownViduReason('constructor')).toBe(false);
  });
});

describe('retryability rules', () => {
  it('by status: 408, 429 and 5xx only', () => {
    for (const s of [408, 429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(s), String(s)).toBe(true);
    for (const s of [200, 301, 400, 401, 403, 404, 409, 499, 600]) expect(isRetryableStatus(s), String(s)).toBe(false);
  });

  it('combines reason and status', () => {
    expect(isRetryableViduFailure(400, 'OperationInProcess')).toBe(true);
    expect(isRetryableViduFailure(400, 'CreditInsufficient')).toBe(false);
    expect(isRetryableViduFailure(400, 'Unknown')).toBe(false);
    expect(isRetryableViduFailure(503, 'Unknown')).toBe(true);
    // A transient status wins even over a non-retryable reason label.
    expect(isRetryableViduFailure(502, 'BadRequest')).toBe(true);
    expect(isRetryableViduFailure(429, 'QuotaExceeded')).toBe(true);
  });
});

describe('ViduApiError', () => {
  const err = new ViduApiError({
    status: 400,
    reason: 'CreditInsufficient',
    viduMessage: 'credit not enough',
    traceId: '0123456789abcdef0123456789abcdef',
    retryAfterMs: undefined,
    endpoint: 'POST /ent/v2/img2video',
  });

  it('formats a useful message and derives retryable from the catalogue', () => {
    expect(err.message).toBe(
      'Vidu POST /ent/v2/img2video failed: 400 CreditInsufficient: credit not enough (trace 0123456789abcdef0123456789abcdef)',
    );
    expect(err.retryable).toBe(false);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ViduApiError');
  });

  it('serialises to plain data only', () => {
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    expect(json).toEqual({
      name: 'ViduApiError',
      message: err.message,
      status: 400,
      reason: 'CreditInsufficient',
      viduMessage: 'credit not enough',
      traceId: '0123456789abcdef0123456789abcdef',
      retryable: false,
      endpoint: 'POST /ent/v2/img2video',
    });
    expect(Object.getPrototypeOf(err.toJSON())).toBe(Object.prototype);
  });

  it('omits trace and detail when absent; honours an explicit retryable', () => {
    const e = new ViduApiError({
      status: 502,
      reason: 'Unknown',
      viduMessage: '',
      traceId: undefined,
      retryAfterMs: 2000,
      endpoint: 'GET /ent/v2/credits',
    });
    expect(e.message).toBe('Vidu GET /ent/v2/credits failed: 502 Unknown');
    expect(e.retryable).toBe(true);
    expect(e.toJSON().retryAfterMs).toBe(2000);
    const forced = new ViduApiError({
      status: 400,
      reason: 'ImageDownloadFailure',
      viduMessage: 'x',
      traceId: undefined,
      retryAfterMs: undefined,
      endpoint: 'POST /ent/v2/img2video',
      retryable: true,
    });
    expect(forced.retryable).toBe(true);
  });
});

describe('ViduTransportError / ViduResponseError', () => {
  it('transport errors are always retryable and say whether the request may have landed', () => {
    const e = new ViduTransportError({
      endpoint: 'POST /ent/v2/img2video',
      kind: 'timeout',
      ambiguous: true,
      code: undefined,
      detail: 'no response within 30000 ms',
      cause: new Error('inner'),
    });
    expect(e.retryable).toBe(true);
    expect(isRetryableViduError(e)).toBe(true);
    expect(e.message).toContain('timed out');
    expect(e.message).toContain('may have reached Vidu');
    expect(e.toJSON()).toEqual({
      name: 'ViduTransportError',
      message: e.message,
      endpoint: 'POST /ent/v2/img2video',
      kind: 'timeout',
      code: undefined,
      ambiguous: true,
      retryable: true,
    });
    expect(JSON.stringify(e)).not.toContain('inner');
  });

  it('response errors are not retryable and keep the snippet', () => {
    const e = new ViduResponseError({
      endpoint: 'GET /ent/v2/tasks/1/creations',
      status: 200,
      detail: 'state: Invalid option',
      bodySnippet: '{"state":"weird"}',
    });
    expect(e.retryable).toBe(false);
    expect(isRetryableViduError(e)).toBe(false);
    expect(e.toJSON().bodySnippet).toBe('{"state":"weird"}');
  });

  it('isRetryableViduError is false for foreign errors', () => {
    expect(isRetryableViduError(new Error('x'))).toBe(false);
    expect(isRetryableViduError({ retryable: true })).toBe(false);
    expect(isRetryableViduError(undefined)).toBe(false);
  });
});

describe('classifyTransportFailure', () => {
  const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
  const coded = (code: string) => Object.assign(new Error(code), { code });

  it('finds codes through undici wrapping and AggregateError', () => {
    expect(findErrorCode(fetchFailed(coded('ECONNRESET')))).toBe('ECONNRESET');
    const agg = new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], '');
    expect(findErrorCode(fetchFailed(agg))).toBe('ECONNREFUSED');
  });

  it('nothing-sent codes are not ambiguous', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(
        classifyTransportFailure(fetchFailed(coded(code)), { timedOut: false, responseStarted: false }).ambiguous,
      ).toBe(false);
    }
    expect(
      classifyTransportFailure(fetchFailed(coded('UND_ERR_CONNECT_TIMEOUT')), {
        timedOut: false,
        responseStarted: false,
      }).kind,
    ).toBe('timeout');
  });

  it('resets, unknown failures, our timeout and mid-body failures are ambiguous', () => {
    const ctx = { timedOut: false, responseStarted: false };
    expect(classifyTransportFailure(fetchFailed(coded('ECONNRESET')), ctx).ambiguous).toBe(true);
    expect(classifyTransportFailure(fetchFailed(coded('UND_ERR_SOCKET')), ctx).ambiguous).toBe(true);
    expect(classifyTransportFailure(new Error('???'), ctx).ambiguous).toBe(true);
    const t = classifyTransportFailure(new DOMException('timeout', 'TimeoutError'), { ...ctx, timedOut: true });
    expect(t).toEqual({ kind: 'timeout', ambiguous: true, code: undefined });
    expect(
      classifyTransportFailure(fetchFailed(coded('ECONNREFUSED')), { timedOut: false, responseStarted: true })
        .ambiguous,
    ).toBe(true);
  });
});

describe('secret scrubbing helpers', () => {
  const KEY = 'vda_SECRET+key/1"x';

  it('redacts raw, URL-encoded and JSON-escaped forms', () => {
    const text = `a ${KEY} b ${encodeURIComponent(KEY)} c ${JSON.stringify(KEY)}`;
    const out = redactSecret(text, KEY);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(encodeURIComponent(KEY));
    expect(out).not.toContain(JSON.stringify(KEY).slice(1, -1));
    expect(out).toContain('[REDACTED]');
  });

  it('sanitizeCause rebuilds the chain without the secret and without extra properties', () => {
    const inner = Object.assign(new Error(`socket said Token ${KEY}`), {
      code: 'ECONNRESET',
      headers: { authorization: KEY },
    });
    const outer = new TypeError(`fetch failed for ${KEY}`, { cause: inner });
    const clean = sanitizeCause(outer, KEY) as Error & { cause?: Error & { code?: string } };
    expect(clean).toBeInstanceOf(Error);
    expect(clean.name).toBe('TypeError');
    expect(clean.cause?.code).toBe('ECONNRESET');
    const dump = [
      clean.message,
      clean.stack,
      clean.cause?.message,
      clean.cause?.stack,
      JSON.stringify(clean.cause),
    ].join('\n');
    expect(dump).not.toContain(KEY);
    expect(clean.cause).not.toHaveProperty('headers');
  });
});

describe('error names', () => {
  it('stack traces start with the class name', () => {
    const e = new ViduResponseError({ endpoint: 'GET /x', status: 200, detail: 'd', bodySnippet: '' });
    expect(e.name).toBe('ViduResponseError');
    expect(e.stack?.startsWith('ViduResponseError: ')).toBe(true);
    expect(Object.keys(e)).not.toContain('name');
  });
});
