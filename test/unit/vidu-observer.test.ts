// The Vidu client's observer hook: one start and one end per request attempt, named by endpoint
// (never by path, which holds task ids), ending with a bounded reason; and the health server the
// worker and the receiver serve on METRICS_PORT.
import { describe, expect, it } from 'vitest';
import { ViduClient } from '../../vidu/client';
import type { ViduRequestEnd, ViduRequestStart } from '../../vidu/observer';
import { startHealthServer } from '../../platform/health/health-server';

function recordingClient(answer: (url: string) => Response | Promise<Response>) {
  const seen: Array<ViduRequestStart & { end?: ViduRequestEnd }> = [];
  const vidu = new ViduClient({
    baseUrl: 'https://vidu.test',
    apiKey: 'k',
    getRetries: 0,
    fetch: async (url) => answer(url),
    observer: {
      start(req) {
        const entry: ViduRequestStart & { end?: ViduRequestEnd } = { ...req };
        seen.push(entry);
        return (end) => {
          expect(entry.end).toBeUndefined(); // exactly once
          entry.end = end;
        };
      },
    },
  });
  return { vidu, seen };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ViduClient observer', () => {
  it('reports a success by endpoint name, not path', async () => {
    const { vidu, seen } = recordingClient(() =>
      json(200, { id: 't-1', state: 'success', err_code: '', credits: 4, creations: [] }),
    );
    await vidu.getCreations('task-secret-id');
    expect(seen).toEqual([{ endpoint: 'creations', method: 'GET', end: { ok: true } }]);
  });

  it('reports Vidu reasons from the catalogue, Unknown for others, and transport kinds', async () => {
    const reasons = [
      json(400, { code: 400, reason: 'CreditInsufficient', message: 'no credits', metadata: { trace_id: 'x' } }),
      json(400, { code: 400, reason: 'SomethingNew-abc123', message: 'hm', metadata: { trace_id: 'x' } }),
    ];
    const { vidu, seen } = recordingClient(() => {
      const next = reasons.shift();
      if (next) return next;
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    for (let i = 0; i < 3; i++)
      await vidu.create('img2video', { model: 'viduq2', images: ['https://x/y.png'] } as never).catch(() => undefined);
    expect(seen.map((s) => s.end)).toEqual([
      { ok: false, status: 400, reason: 'CreditInsufficient' },
      { ok: false, status: 400, reason: 'Unknown' },
      { ok: false, reason: 'network' },
    ]);
    expect(seen.every((s) => s.endpoint === 'img2video' && s.method === 'POST')).toBe(true);
  });
});

describe('health server', () => {
  it('answers /healthz always, /readyz as ready() says, /metrics from its source', async () => {
    let ready = false;
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      ready: () => ready,
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'x_total 1\n' }),
    });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const metrics = await fetch(`${server.url}/metrics`);
      expect(await metrics.text()).toBe('x_total 1\n');
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
