// Issue 16, the front door, replayed as an outsider and as a greedy key holder would, against the
// real processes (simulator, callback receiver, worker, HTTP API; dev/stack.ts):
//   - 20 bodies of 10 MiB nested arrays, without a key, at once: each 401, /healthz keeps answering;
//   - 1,000 event-stream attempts by one key on its own long-running generation: at most
//     API_MAX_STREAMS_PER_KEY accepted, the rest 429, and the workflow's status is queried once per
//     poll interval (counted by the worker's own Temporal metrics), not once per stream;
//   - a key removed from the keys file (SIGHUP) and a key rotated: their open streams end;
//   - a keys file other users may read: the API and the worker refuse to start, naming the fix.
// Latencies are printed, never asserted.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKey, newApiKey } from '../../platform/keys/api-keys';
import { getFreePort } from '../../dev/temporal-server';
import { ManagedProcess, startStack, type Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { until } from '../helpers/e2e';
import { scrape, total } from '../helpers/prometheus';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';
import { sseEvents } from '../helpers/sse';

const POLL_MS = 250;
const PER_KEY = 32;
const greedy = newApiKey('greedy');
const leaving = newApiKey('leaving');
const rotating = newApiKey('rotating');
let stack: Stack;
let dir: string;
let keysFile: string;
let api: string;
let metricsUrl: string;

async function writeKeys(keys: ApiKey[]): Promise<void> {
  await writeFile(keysFile, JSON.stringify(keys), { mode: 0o600 });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-front-door-'));
  keysFile = path.join(dir, 'keys.json');
  await writeKeys([greedy.entry, leaving.entry, rotating.entry]);
  const { address, namespace } = temporalServer();
  const metricsPort = await getFreePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue: uniqueTaskQueue('e2e-front-door'),
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    // Generations that run for 10 minutes unless cancelled: the streams have something to follow.
    simEnv: { VIDU_SIM_PROCESSING_SECONDS: '600', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    workerEnv: { METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' },
    apiKeysFile: keysFile,
    // The per-key request rate is lifted so that the stream cap is what refuses the 1,000 attempts.
    apiEnv: {
      API_EVENTS_POLL_MS: String(POLL_MS),
      API_MAX_STREAMS_PER_KEY: String(PER_KEY),
      API_RATE_LIMIT_PER_KEY: '100000',
    },
    logDir: path.join(dir, 'logs'),
  });
  api = stack.apiUrl!;
});

afterAll(async () => {
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

const image = `data:image/png;base64,${renderPng('front-door', { width: 640, height: 360 }).toString('base64')}`;
const request0 = { model: 'viduq2', images: [image], prompt: 'a slow pan', duration: 5, resolution: '720p' };

async function startGeneration(key: string, idempotencyKey: string): Promise<string> {
  const body = { request: request0, options: { waitMode: 'poll' } };
  const res = await fetch(`${api}/v1/generations/img2video`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(json)).toBe(201);
  return json.id;
}

interface OpenStream {
  status: number;
  type?: string;
  retryAfter?: string | null;
  /** Events read so far (open streams); resolves `ended` when the server ends the stream. */
  events: Array<{ event: string; data: string }>;
  ended: Promise<void>;
  close(): void;
}

async function openStream(id: string, key: string): Promise<OpenStream> {
  const ctl = new AbortController();
  const res = await fetch(`${api}/v1/generations/${encodeURIComponent(id)}/events`, {
    headers: { authorization: `Bearer ${key}` },
    signal: ctl.signal,
  });
  const events: OpenStream['events'] = [];
  if (res.status !== 200) {
    const problem = (await res.json()) as { type: string };
    return {
      status: res.status,
      type: problem.type,
      retryAfter: res.headers.get('retry-after'),
      events,
      ended: Promise.resolve(),
      close: () => undefined,
    };
  }
  const ended = (async () => {
    try {
      for await (const e of sseEvents(res.body!)) events.push({ event: e.event, data: e.data });
    } catch {
      // aborted by close()
    }
  })();
  return { status: 200, events, ended, close: () => ctl.abort() };
}

/** One unauthenticated POST of `body`; resolves with the status (or the socket error once answered). */
function postWithoutKey(body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      `${api}/v1/generations/img2video`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.resume();
        resolve(String(res.statusCode));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end(body);
  });
}

const queryCount = async () =>
  total(await scrape(metricsUrl), 'temporal_request', { operation: 'RespondQueryTaskCompleted' });

describe('the front door (processes: simulator, receiver, worker, API)', () => {
  it('answers 20 unauthenticated 10 MiB nested-array bodies 401 while /healthz keeps answering', async () => {
    const half = 5 * 1024 * 1024;
    const body = Buffer.from('['.repeat(half) + ']'.repeat(half));
    const latencies: number[] = [];
    let flooding = true;
    const sampler = (async () => {
      // Through the flood, and at least 20 answers so the figures mean something.
      while (flooding || latencies.length < 20) {
        const t0 = performance.now();
        const res = await fetch(`${api}/healthz`);
        expect(res.status).toBe(200);
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => postWithoutKey(body)));
    const floodMs = performance.now() - t0;
    flooding = false;
    await sampler;
    // Each is refused before its body is read: 401, or the reset of an upload the server stopped reading after answering.
    expect(answers.filter((a) => a !== '401' && a !== 'ECONNRESET' && a !== 'EPIPE')).toEqual([]);
    expect(answers).toContain('401');
    expect(latencies.length).toBeGreaterThan(0);
    const sorted = [...latencies].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1);
    console.log(
      `[front-door e2e] 20 × 10 MiB nested arrays without a key: ${JSON.stringify(answers.reduce<Record<string, number>>((m, a) => ({ ...m, [a]: (m[a] ?? 0) + 1 }), {}))} in ${floodMs.toFixed(0)} ms; ` +
        `/healthz ${latencies.length} answers, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
  });

  it('accepts at most API_MAX_STREAMS_PER_KEY of 1,000 stream attempts on one generation, 429 for the rest, and reads its status once per interval', async () => {
    const id = await startGeneration(greedy.key, 'long-1');
    const attempts = await Promise.all(Array.from({ length: 1000 }, () => openStream(id, greedy.key)));
    const open = attempts.filter((s) => s.status === 200);
    const refused = attempts.filter((s) => s.status === 429);
    try {
      expect(open.length).toBeLessThanOrEqual(PER_KEY);
      expect(open.length).toBeGreaterThan(0);
      expect(open.length + refused.length).toBe(1000);
      expect(new Set(refused.map((r) => r.type))).toEqual(new Set(['/docs#problem-too-many-streams']));
      expect(refused.every((r) => Number(r.retryAfter) > 0)).toBe(true);
      // Every open stream follows the generation.
      await until(
        async () => open.every((s) => s.events.some((e) => e.event === 'status')),
        (ok) => ok,
        'a status event on every open stream',
        20_000,
      );

      // The status query count at the worker over a few intervals: one reader for all the streams.
      const before = await queryCount();
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 12 * POLL_MS));
      const queries = (await queryCount()) - before;
      const intervals = (Date.now() - t0) / POLL_MS;
      console.log(
        `[front-door e2e] 1,000 stream attempts by one key: ${open.length} open, ${refused.length} refused 429; ` +
          `${queries} status queries answered by the worker in ${intervals.toFixed(1)} poll intervals with ${open.length} streams open (one per stream would be ${(open.length * intervals).toFixed(0)})`,
      );
      // The reader waits a full interval between reads, so it cannot read more often than this.
      expect(queries).toBeGreaterThan(0);
      expect(queries).toBeLessThanOrEqual(Math.ceil(intervals) + 2);
    } finally {
      open.forEach((s) => s.close());
      await fetch(`${api}/v1/generations/${encodeURIComponent(id)}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${greedy.key}` },
      });
    }
    // Closed streams give their slots back.
    await until(
      () => openStream(id, greedy.key),
      (s) => (s.close(), s.status === 200),
      'a stream slot after closing the others',
      20_000,
    );
  });

  it('ends the open streams of a key removed from the keys file, and of a key rotated, after SIGHUP', async () => {
    const leavingId = await startGeneration(leaving.key, 'long-2');
    const rotatingId = await startGeneration(rotating.key, 'long-3');
    const gone = await openStream(leavingId, leaving.key);
    const rotated = await openStream(rotatingId, rotating.key);
    const kept = await openStream(await startGeneration(greedy.key, 'long-4'), greedy.key);
    expect([gone.status, rotated.status, kept.status]).toEqual([200, 200, 200]);
    await until(
      async () => [gone, rotated, kept].every((s) => s.events.some((e) => e.event === 'status')),
      (ok) => ok,
      'the first status on each stream',
      20_000,
    );

    // The operator removes one key and rotates another (same id, new secret), then reloads.
    const newRotating = newApiKey('rotating', undefined, rotating.entry.id);
    await writeKeys([greedy.entry, newRotating.entry]);
    process.kill(stack.apiPid()!, 'SIGHUP');
    await Promise.race([
      Promise.all([gone.ended, rotated.ended]),
      new Promise((_, reject) => setTimeout(() => reject(new Error('streams of a revoked key still open')), 20_000)),
    ]);
    for (const s of [gone, rotated])
      expect(s.events.at(-1)).toMatchObject({ event: 'error', data: expect.stringMatching(/revoked or changed/) });
    // The key that stayed keeps its stream; the removed and the old rotated key are refused from now on.
    expect(kept.events.some((e) => e.event === 'error')).toBe(false);
    kept.close();
    expect((await openStream(leavingId, leaving.key)).status).toBe(401);
    expect((await openStream(rotatingId, rotating.key)).status).toBe(401);
    const renewed = await openStream(rotatingId, newRotating.key);
    expect(renewed.status).toBe(200);
    renewed.close();
  });

  it('refuses to start the API or the worker with a keys file other users may read, naming the file and the fix', async () => {
    const open = path.join(dir, 'open-keys.json');
    await writeFile(open, JSON.stringify([greedy.entry]));
    await chmod(open, 0o644);
    const apiProc = new ManagedProcess(
      'api-open-keys',
      'api/main.ts',
      { ...stack.env, VIDU_FLOW_API_KEYS_FILE: open, API_PORT: String(await getFreePort()) },
      path.join(dir, 'logs'),
    );
    const workerProc = new ManagedProcess(
      'worker-open-keys',
      'worker/main.ts',
      { ...stack.env, VIDU_FLOW_API_KEYS_FILE: open },
      path.join(dir, 'logs'),
    );
    const [apiCode, workerCode] = await Promise.all([apiProc.exited, workerProc.exited]);
    expect(apiCode).toBe(2);
    expect(workerCode).not.toBe(0);
    for (const p of [apiProc, workerProc]) {
      expect(p.tail()).toContain(`chmod 600 ${open}`);
      expect(p.tail()).not.toContain(greedy.entry.webhookSecret!);
    }
  });
});
