import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ViduClient } from '../../vidu/client';
import { ViduApiError, ViduResponseError, ViduTransportError } from '../../vidu/errors';
import { backoffDelayMs, parseRetryAfter } from '../../vidu/http';
import { encodeQuery } from '../../vidu/query';
import type { TaskListQuery } from '../../vidu/schemas';

// Distinctive so any leak is unmistakable in assertions.
const KEY = 'vk_LEAKCANARY_9f8e7d6c5b4a';
const TRACE = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Recorded, res: http.ServerResponse, raw: http.IncomingMessage) => void;

let server: http.Server;
let baseUrl: string;
let handler: Handler;
let requests: Recorded[] = [];
// Sockets of requests we deliberately never answer. Only these are destroyed
// between tests: closing every connection would leave stale keep-alive sockets
// in fetch's shared pool, and the next POST on one fails before reaching us.
const hanging: http.IncomingMessage[] = [];
const hang: Handler = (_req, _res, raw) => {
  hanging.push(raw);
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      handler(rec, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  requests = [];
  for (const raw of hanging.splice(0)) raw.socket.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function viduError(status: number, reason: string, message: string) {
  return { code: status, reason, message, metadata: { trace_id: TRACE } };
}

function client(extra: Partial<ConstructorParameters<typeof ViduClient>[0]> = {}): ViduClient {
  return new ViduClient({
    baseUrl,
    apiKey: KEY,
    timeoutMs: 2_000,
    retryBackoff: { initialMs: 10, maxMs: 2_000, factor: 2 },
    ...extra,
  });
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

// Realistic bodies from docs/vidu-api.md §1, §6, §8.
const IMG2VIDEO_REQUEST = {
  model: 'viduq2',
  images: ['https://example.com/start.png'],
  prompt: 'a cat surfing',
  duration: 5,
  resolution: '720p',
};
const TASK_CREATED = {
  task_id: '911045603801182208',
  type: 'img2video',
  state: 'created',
  model: 'viduq2',
  style: 'general',
  prompt: 'a cat surfing',
  images: ['https://example.com/start.png'],
  duration: 5,
  seed: 12345,
  aspect_ratio: '',
  resolution: '720p',
  movement_amplitude: 'auto',
  created_at: '2025-11-10T15:03:01.749836088Z',
  credits: 20,
  payload: '',
  cus_priority: 0,
  off_peak: false,
  watermark: false,
  is_rec: false,
  wm_position: 'unspecified',
  wm_url: '',
  meta_data: '',
  client_request_id: '',
};
const CREATIONS = {
  id: '911045603801182208',
  state: 'success',
  err_code: '',
  credits: 20,
  payload: '',
  bgm: false,
  off_peak: false,
  progress: 100,
  creations: [
    {
      id: '911045603801182209',
      url: 'https://cdn.example.com/v.mp4',
      cover_url: 'https://cdn.example.com/c.jpg',
      watermarked_url: '',
    },
  ],
};
const CREDITS = {
  remains: [{ type: 'metered', credit_remain: 1000, concurrency_limit: 5, current_concurrency: 1, queue_count: 0 }],
};

describe('ViduClient options', () => {
  it('requires a non-empty, header-safe key and never echoes it', () => {
    expect(() => new ViduClient({ apiKey: '' })).toThrow(/apiKey/);
    const bad = `${KEY} with\nnewline`;
    let msg = '';
    try {
      new ViduClient({ apiKey: bad });
    } catch (err) {
      msg = `${String(err)} ${(err as Error).stack ?? ''}`;
    }
    expect(msg).toMatch(/apiKey/);
    expect(msg).not.toContain(KEY);
  });

  it('defaults and normalises', () => {
    const c = new ViduClient({ apiKey: `  ${KEY}\n` });
    expect(c.baseUrl).toBe('https://api.vidu.com');
    expect(c.timeoutMs).toBe(30_000);
    expect(c.getRetries).toBe(2);
    expect(new ViduClient({ apiKey: KEY, baseUrl: 'https://api.vidu.cn/' }).baseUrl).toBe('https://api.vidu.cn');
    expect(() => new ViduClient({ apiKey: KEY, baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
    expect(() => new ViduClient({ apiKey: KEY, userAgent: 'a\r\nX-Evil: 1' })).toThrow(/userAgent/);
  });

  it('does not expose the key through inspection or serialisation', () => {
    const c = new ViduClient({ apiKey: KEY });
    expect(JSON.stringify(c)).not.toContain(KEY);
    expect(Object.keys(c)).not.toContain('apiKey');
    expect(JSON.stringify(Object.entries(c))).not.toContain(KEY);
  });
});

describe('ViduClient requests', () => {
  it('sends Token auth, JSON headers and the body; parses the created task', async () => {
    handler = (_req, res) => json(res, 200, TASK_CREATED);
    const out = await client({ userAgent: 'vidu-flow-test/1' }).create('img2video', IMG2VIDEO_REQUEST as never);
    expect(out.task_id).toBe('911045603801182208');
    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/ent/v2/img2video');
    expect(r.headers.authorization).toBe(`Token ${KEY}`);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers.accept).toBe('application/json');
    expect(r.headers['user-agent']).toBe('vidu-flow-test/1');
    expect(JSON.parse(r.body)).toEqual(IMG2VIDEO_REQUEST);
  });

  it('routes every create kind and the AD-film endpoints to their documented paths', async () => {
    const seen: string[] = [];
    handler = (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    };
    const c = client({ getRetries: 0 });
    for (const kind of ['img2video', 'reference2video', 'reference2image', 'image2dance'] as const) {
      await caught(c.create(kind, {} as never));
    }
    await caught(c.createAdOneClick({} as never));
    await caught(c.editAdOneClick({} as never));
    await caught(c.composeAdOneClick({} as never));
    await caught(c.getAdOneClick('42'));
    expect(seen).toEqual([
      'POST /ent/v2/img2video',
      'POST /ent/v2/reference2video',
      'POST /ent/v2/reference2image',
      'POST /ent/v2/image2dance',
      'POST /ent/v2/ad-one-click',
      'POST /ent/v2/ad-one-click/edit',
      'POST /ent/v2/ad-one-click/compose',
      'GET /ent/v2/ad-one-click/42',
    ]);
  });

  it('GET creations with an encoded path segment', async () => {
    handler = (_req, res) => json(res, 200, CREATIONS);
    const out = await client().getCreations('911045603801182208');
    expect(out.state).toBe('success');
    expect(requests[0]!.url).toBe('/ent/v2/tasks/911045603801182208/creations');
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.body).toBe('');

    handler = (_req, res) => json(res, 404, viduError(404, 'TaskNotFound', 'not found'));
    await caught(client().getCreations('a/b?c=1#x'));
    expect(requests.at(-1)!.url).toBe('/ent/v2/tasks/a%2Fb%3Fc%3D1%23x/creations');
  });

  it('cancel posts {id} and accepts an empty 200', async () => {
    handler = (_req, res) => res.writeHead(200).end();
    await client().cancelTask('911045603801182208');
    handler = (_req, res) => json(res, 200, {});
    await client().cancelTask('911045603801182208');
    expect(requests.map((r) => [r.method, r.url, JSON.parse(r.body) as unknown])).toEqual([
      ['POST', '/ent/v2/tasks/911045603801182208/cancel', { id: '911045603801182208' }],
      ['POST', '/ent/v2/tasks/911045603801182208/cancel', { id: '911045603801182208' }],
    ]);
  });

  it('cancel refused (400 BadRequest) is a non-retryable typed error', async () => {
    handler = (_req, res) => json(res, 400, viduError(400, 'BadRequest', 'task state is scheduled, can not cancel'));
    const err = await caught(client().cancelTask('1'));
    expect(err).toBeInstanceOf(ViduApiError);
    expect((err as ViduApiError).reason).toBe('BadRequest');
    expect((err as ViduApiError).retryable).toBe(false);
  });

  it('credits: show_detail goes in the query string', async () => {
    handler = (_req, res) => json(res, 200, CREDITS);
    await client().getCredits(true);
    await client().getCredits();
    expect(requests.map((r) => r.url)).toEqual(['/ent/v2/credits?show_detail=true', '/ent/v2/credits']);
  });
});

describe('list query encoding', () => {
  it('uses dotted names and repeated keys', () => {
    const q = encodeQuery({
      states: ['success', 'failed'],
      task_ids: ['1', '2'],
      model_versions: ['q2-pro', '2.0'],
      created_at: { from: '2025-11-01T00:00:00Z', to: new Date('2025-11-08T00:00:00Z') },
      paper: { page: 0, pagesz: 100 },
      pager: { page_token: 'tok/+=' },
      templates: [],
      resolutions: undefined,
    });
    const p = new URLSearchParams(q);
    expect(p.getAll('states')).toEqual(['success', 'failed']);
    expect(p.getAll('task_ids')).toEqual(['1', '2']);
    expect(p.getAll('model_versions')).toEqual(['q2-pro', '2.0']);
    expect(p.get('created_at.from')).toBe('2025-11-01T00:00:00Z');
    expect(p.get('created_at.to')).toBe('2025-11-08T00:00:00.000Z');
    expect(p.get('paper.page')).toBe('0');
    expect(p.get('paper.pagesz')).toBe('100');
    expect(p.get('pager.page_token')).toBe('tok/+=');
    expect(p.has('templates')).toBe(false);
    expect(p.has('resolutions')).toBe(false);
    expect(q).toContain('states=success&states=failed');
  });

  it('passes already-dotted keys through unchanged', () => {
    expect(encodeQuery({ 'paper.pagesz': 10, 'pager.page_token': 'abc' })).toBe('paper.pagesz=10&pager.page_token=abc');
    expect(encodeQuery(undefined)).toBe('');
    expect(encodeQuery({})).toBe('');
  });

  it('listTasks puts the encoded query on the wire', async () => {
    handler = (_req, res) => json(res, 200, { next_page_token: '', tasks: [] });
    const query: Partial<TaskListQuery> = { states: ['success', 'failed'], 'paper.pagesz': 50 };
    // Only the wire format matters here, not whether the reply matches the response schema.
    await client()
      .listTasks(query)
      .catch(() => undefined);
    const url = new URL(requests[0]!.url, 'http://x');
    expect(url.pathname).toBe('/ent/v2/tasks');
    expect(url.searchParams.getAll('states')).toEqual(['success', 'failed']);
  });
});

describe('ViduClient errors', () => {
  it('400 CreditInsufficient → non-retryable ViduApiError with trace id, POST sent once', async () => {
    handler = (_req, res) => json(res, 400, viduError(400, 'CreditInsufficient', 'credit not enough'));
    const err = await caught(client().create('img2video', IMG2VIDEO_REQUEST as never));
    expect(err).toBeInstanceOf(ViduApiError);
    const e = err as ViduApiError;
    expect(e).toMatchObject({
      status: 400,
      reason: 'CreditInsufficient',
      viduMessage: 'credit not enough',
      traceId: TRACE,
      retryable: false,
      retryAfterMs: undefined,
      endpoint: 'POST /ent/v2/img2video',
    });
    expect(e.message).toBe(
      `Vidu POST /ent/v2/img2video failed: 400 CreditInsufficient: credit not enough (trace ${TRACE})`,
    );
    expect(requests).toHaveLength(1);
  });

  it('429 with Retry-After: 1 → retryable, retryAfterMs=1000; a GET is retried after the pause', async () => {
    let n = 0;
    handler = (_req, res) => {
      n++;
      if (n === 1) json(res, 429, viduError(429, 'TooManyRequests', 'slow down'), { 'Retry-After': '1' });
      else json(res, 200, CREATIONS);
    };
    const started = Date.now();
    const out = await client().getCreations('911045603801182208');
    expect(out.state).toBe('success');
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    // Same response with retries disabled shows the error fields.
    n = 0;
    const err = (await caught(client({ getRetries: 0 }).getCreations('1'))) as ViduApiError;
    expect(err).toBeInstanceOf(ViduApiError);
    expect(err).toMatchObject({ status: 429, reason: 'TooManyRequests', retryable: true, retryAfterMs: 1000 });
  });

  it('a POST is never retried, even on 429/500', async () => {
    handler = (_req, res) => json(res, 429, viduError(429, 'QuotaExceeded', 'limit'), { 'Retry-After': '0' });
    const err = (await caught(client().create('img2video', IMG2VIDEO_REQUEST as never))) as ViduApiError;
    expect(err.retryable).toBe(true);
    expect(requests).toHaveLength(1);

    requests = [];
    handler = (_req, res) => json(res, 500, viduError(500, 'InternalServiceFailure', 'retry later'));
    await caught(client().cancelTask('1'));
    expect(requests).toHaveLength(1);
  });

  it('500 → retryable; GET retries are bounded by getRetries', async () => {
    handler = (_req, res) => json(res, 500, viduError(500, 'InternalServiceFailure', 'please retry later'));
    const err = (await caught(client({ getRetries: 2 }).getCredits())) as ViduApiError;
    expect(err).toBeInstanceOf(ViduApiError);
    expect(err).toMatchObject({ status: 500, reason: 'InternalServiceFailure', retryable: true });
    expect(requests).toHaveLength(3);
  });

  it('non-retryable GET errors are not retried', async () => {
    handler = (_req, res) => json(res, 404, viduError(404, 'TaskNotFound', 'task not found'));
    const err = (await caught(client().getCreations('404'))) as ViduApiError;
    expect(err.reason).toBe('TaskNotFound');
    expect(requests).toHaveLength(1);
  });

  it('a longer Retry-After than the backoff cap is left to the caller', async () => {
    handler = (_req, res) => json(res, 429, viduError(429, 'SystemThrottling', 'busy'), { 'Retry-After': '3600' });
    const err = (await caught(client().getCredits())) as ViduApiError;
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(requests).toHaveLength(1);
  });

  it('non-JSON error body → reason Unknown, retryability from status, snippet kept', async () => {
    handler = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    };
    const err = (await caught(client({ getRetries: 0 }).getCredits())) as ViduApiError;
    expect(err).toBeInstanceOf(ViduApiError);
    expect(err).toMatchObject({ status: 502, reason: 'Unknown', retryable: true, traceId: undefined });
    expect(err.viduMessage).toContain('502 Bad Gateway');

    handler = (_req, res) => json(res, 403, { error: 'nope' });
    const e2 = (await caught(client().getCredits())) as ViduApiError;
    expect(e2).toMatchObject({ status: 403, reason: 'Unknown', retryable: false });
  });

  it('Vidu-shaped body with an off-spec field still yields its reason', async () => {
    handler = (_req, res) => json(res, 400, { code: '400', reason: 'OperationInProcess', message: 'retry later' });
    const err = (await caught(client().create('img2video', IMG2VIDEO_REQUEST as never))) as ViduApiError;
    expect(err).toMatchObject({ reason: 'OperationInProcess', retryable: true, traceId: undefined });
  });

  it('Retry-After as an HTTP-date', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    handler = (_req, res) => json(res, 503, viduError(503, 'Unknown', 'maint'), { 'Retry-After': at });
    const err = (await caught(client({ getRetries: 0 }).getCredits())) as ViduApiError;
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('redirects are not followed', async () => {
    handler = (_req, res) => res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' }).end();
    const err = (await caught(client().create('img2video', IMG2VIDEO_REQUEST as never))) as ViduApiError;
    expect(err).toBeInstanceOf(ViduApiError);
    expect(err.status).toBe(302);
    expect(err.retryable).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it('2xx with a body that does not match the schema → ViduResponseError with a truncated snippet', async () => {
    handler = (_req, res) => json(res, 200, { task_id: 12, state: 'exploded', junk: 'x'.repeat(5000) });
    const err = (await caught(client().create('img2video', IMG2VIDEO_REQUEST as never))) as ViduResponseError;
    expect(err).toBeInstanceOf(ViduResponseError);
    expect(err.status).toBe(200);
    expect(err.retryable).toBe(false);
    expect(err.bodySnippet.length).toBeLessThan(600);
    expect(err.bodySnippet.startsWith('{"task_id":12')).toBe(true);

    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
    const e2 = (await caught(client().getCredits())) as ViduResponseError;
    expect(e2).toBeInstanceOf(ViduResponseError);
    expect(e2.message).toContain('not JSON');
  });
});

describe('ViduClient transport failures', () => {
  it('timeout → ViduTransportError, ambiguous for a POST', async () => {
    handler = hang;
    const err = (await caught(
      client({ timeoutMs: 200 }).create('img2video', IMG2VIDEO_REQUEST as never),
    )) as ViduTransportError;
    expect(err).toBeInstanceOf(ViduTransportError);
    expect(err).toMatchObject({
      kind: 'timeout',
      ambiguous: true,
      retryable: true,
      endpoint: 'POST /ent/v2/img2video',
    });
    expect(requests).toHaveLength(1);
  });

  it('timeout while the body is streaming is still a timeout', async () => {
    handler = (req, res, raw) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"task_id":');
      hang(req, res, raw);
    };
    const err = (await caught(
      client({ timeoutMs: 200 }).create('img2video', IMG2VIDEO_REQUEST as never),
    )) as ViduTransportError;
    expect(err).toBeInstanceOf(ViduTransportError);
    expect(err).toMatchObject({ kind: 'timeout', ambiguous: true });
  });

  it('connection refused → not ambiguous', async () => {
    const port = await freePort();
    const err = (await caught(
      client({ baseUrl: `http://127.0.0.1:${port}` }).create('img2video', IMG2VIDEO_REQUEST as never),
    )) as ViduTransportError;
    expect(err).toBeInstanceOf(ViduTransportError);
    expect(err).toMatchObject({ kind: 'network', ambiguous: false, code: 'ECONNREFUSED', retryable: true });
  });

  it('connection reset after the request was sent → ambiguous', async () => {
    handler = (_req, _res, raw) => raw.socket.destroy();
    const err = (await caught(client().create('img2video', IMG2VIDEO_REQUEST as never))) as ViduTransportError;
    expect(err).toBeInstanceOf(ViduTransportError);
    expect(err.ambiguous).toBe(true);
    expect(err.kind).toBe('network');
    expect(requests).toHaveLength(1);
  });

  it('GET transport failures are retried', async () => {
    let n = 0;
    handler = (_req, res, raw) => {
      if (++n === 1) raw.socket.destroy();
      else json(res, 200, CREDITS);
    };
    await client().getCredits();
    expect(requests).toHaveLength(2);
  });

  it("the caller's abort signal is rethrown as-is, not as a transport error", async () => {
    handler = hang;
    const ac = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => ac.abort(reason), 50);
    const err = await caught(client().getCredits(undefined, { signal: ac.signal }));
    expect(err).toBe(reason);
  });
});

describe('the API key never leaks into errors', () => {
  function assertClean(err: unknown): void {
    expect(err).toBeInstanceOf(Error);
    const e = err as Error & { cause?: unknown };
    const parts = [e.message, e.stack ?? '', JSON.stringify(e), String(e)];
    let c: unknown = e.cause;
    for (let i = 0; i < 5 && c; i++) {
      const ce = c as Error & { cause?: unknown };
      parts.push(String(ce), ce.message ?? '', ce.stack ?? '', JSON.stringify(ce));
      c = ce.cause;
    }
    for (const p of parts) expect(p).not.toContain(KEY);
  }

  it('API errors echoing the key in their message', async () => {
    handler = (req, res) =>
      json(res, 401, viduError(401, 'Unauthorized', `invalid ${req.headers.authorization ?? ''}`));
    const err = await caught(client().create('img2video', IMG2VIDEO_REQUEST as never));
    expect(err).toBeInstanceOf(ViduApiError);
    expect((err as ViduApiError).viduMessage).toContain('[REDACTED]');
    assertClean(err);
  });

  it('non-JSON error bodies echoing the key', async () => {
    handler = (req, res) => res.writeHead(500).end(`boom ${req.headers.authorization ?? ''}`);
    assertClean(await caught(client({ getRetries: 0 }).getCredits()));
  });

  it('unexpected 2xx bodies echoing the key', async () => {
    handler = (req, res) => json(res, 200, { state: 42, echoed: req.headers.authorization });
    const err = await caught(client().getCreations('1'));
    expect(err).toBeInstanceOf(ViduResponseError);
    assertClean(err);
  });

  it('timeouts, refusals and resets', async () => {
    handler = hang;
    assertClean(await caught(client({ timeoutMs: 100 }).create('img2video', IMG2VIDEO_REQUEST as never)));
    const port = await freePort();
    assertClean(await caught(client({ baseUrl: `http://127.0.0.1:${port}` }).getCredits()));
    handler = (_req, _res, raw) => raw.socket.destroy();
    assertClean(await caught(client().create('img2video', IMG2VIDEO_REQUEST as never)));
  });

  it('a lower layer that mentions the key in its failure', async () => {
    const leakyFetch = (_url: string, init: RequestInit): Promise<Response> => {
      const auth = new Headers(init.headers).get('authorization') ?? '';
      const inner = Object.assign(new Error(`socket hang up while sending ${auth}`), { code: 'ECONNRESET' });
      return Promise.reject(new TypeError(`fetch failed (${auth})`, { cause: inner }));
    };
    const err = await caught(client({ fetch: leakyFetch }).create('img2video', IMG2VIDEO_REQUEST as never));
    expect(err).toBeInstanceOf(ViduTransportError);
    expect((err as ViduTransportError).code).toBe('ECONNRESET');
    expect((err as ViduTransportError).ambiguous).toBe(true);
    assertClean(err);
  });
});

describe('backoffDelayMs', () => {
  const opts = { initialMs: 100, maxMs: 1_000, factor: 2 };

  it('grows exponentially and caps at maxMs', () => {
    const top = (a: number) => backoffDelayMs(a, opts, () => 1);
    expect([0, 1, 2, 3, 4, 10].map(top)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters within [base/2, base]', () => {
    expect(backoffDelayMs(0, opts, () => 0)).toBe(50);
    expect(backoffDelayMs(2, opts, () => 0.5)).toBe(300);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(3, opts);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });

  it('tolerates odd inputs', () => {
    expect(backoffDelayMs(-1, opts, () => 1)).toBe(100);
    expect(backoffDelayMs(1, opts, () => 7)).toBe(200);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Tue, 06 May 2025 12:00:00 GMT');
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 06 May 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 06 May 2025 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
