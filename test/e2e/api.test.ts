// The HTTP API end to end, as a caller in another language uses it: the simulator, the callback
// receiver, the worker and the API each run as their own process (dev/stack.ts); this test speaks
// only HTTP to the API, follows Server-Sent Events, and receives the signed webhook on a server of
// its own on 127.0.0.1 (allowed for webhooks, that port only, by VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS). The
// archive is an S3 bucket (a real versitygw), so GET answers carry presigned download links.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../client';
import { newApiKey } from '../../platform/keys/api-keys';
import { startStack, type Stack } from '../../dev/stack';
import { getFreePort } from '../../dev/temporal-server';
import { renderPng } from '../../sim/media/render';
import { until } from '../helpers/e2e';
import { startTestS3, type TestS3 } from '../helpers/s3';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';
import { sseEvents } from '../helpers/sse';

// Each key's id (what it owns by) is its old name, as a keys file migrated from before ids would
// say: the workflow ids and `caller` values below are those of that migration.
const shop = newApiKey('shop', undefined, 'shop');
const reader = newApiKey('reader', ['read'], 'reader');
const other = newApiKey('other', undefined, 'other');
// The Python caller's own key: its generations, list and webhooks are its own.
const py = newApiKey('py', undefined, 'py');
let stack: Stack;
let s3: TestS3;
let api: string;
let dir: string;
let receiver: Server;
let hookUrl: string;
let pyHookPort: number;
const deliveries: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-api-e2e-'));
  const keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify([shop.entry, reader.entry, other.entry, py.entry]), { mode: 0o600 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/vidu`;
  // The Python caller's own webhook receiver: the second (and last) private port open to webhooks.
  pyHookPort = await getFreePort();
  const webhookList = `${new URL(hookUrl).host},127.0.0.1:${pyHookPort}`;
  const { address, namespace } = temporalServer();
  s3 = await startTestS3('vidu-api');
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue: uniqueTaskQueue('e2e-api'),
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    // The worker archives into the bucket; the API signs download links with the same AWS settings.
    workerEnv: {
      ...s3.env,
      ARCHIVE_URL: `s3://${s3.bucket}/archive`,
      VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: webhookList,
    },
    apiKeysFile: keysFile,
    apiEnv: { ...s3.env, API_EVENTS_POLL_MS: '200', VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: webhookList },
    logDir: path.join(dir, 'logs'),
  });
  api = stack.apiUrl!;
});

afterAll(async () => {
  await stack?.stop();
  await s3?.stop();
  await new Promise((r) => receiver?.close(r));
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

const image = `data:image/png;base64,${renderPng('api', { width: 640, height: 360 }).toString('base64')}`;
const request = { model: 'viduq2', images: [image], prompt: 'the camera pushes in', duration: 5, resolution: '720p' };

async function call(
  method: string,
  url: string,
  key: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${api}${url}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    json: text ? (JSON.parse(text) as Record<string, any>) : {},
  };
}

/** Reads an SSE stream until `stop` says so (or it ends); returns the events. */
async function readEvents(
  url: string,
  key: string,
  stop: (e: { id: string; event: string; data: any }) => boolean,
  lastEventId?: string,
) {
  const ctl = new AbortController();
  const res = await fetch(`${api}${url}`, {
    headers: { authorization: `Bearer ${key}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: ctl.signal,
  });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Array<{ id: string; event: string; data: any }> = [];
  for await (const raw of sseEvents(res.body!)) {
    const e = { ...raw, data: JSON.parse(raw.data) };
    events.push(e);
    if (stop(e)) break;
  }
  ctl.abort();
  return events;
}

describe('HTTP API (processes: simulator, receiver, worker, API)', () => {
  it('starts idempotently, streams progress to the result, and delivers one signed webhook', async () => {
    const t0 = Date.now();
    const body = { request, options: { waitMode: 'callback' }, notify: { url: hookUrl } };
    const first = await call('POST', '/v1/generations/img2video', shop.key, body, { 'idempotency-key': 'order-1' });
    expect(first.status).toBe(201);
    const again = await call('POST', '/v1/generations/img2video', shop.key, body, { 'idempotency-key': 'order-1' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    const id = first.json.id as string;
    expect(id).toBe('img2video-key-shop:order-1');
    // The same key with another body is a mistake worth reporting, not a silent duplicate.
    const reused = await call(
      'POST',
      '/v1/generations/img2video',
      shop.key,
      { ...body, request: { ...request, prompt: 'other' } },
      { 'idempotency-key': 'order-1' },
    );
    expect(reused.status).toBe(422);
    expect(reused.json.errors[0].field).toBe('Idempotency-Key');

    // Follow the events; drop the connection after the first status and resume with Last-Event-ID.
    const firstPart = await readEvents(first.json.links.events, shop.key, () => true);
    expect(firstPart[0]!.event).toBe('status');
    const rest = await readEvents(first.json.links.events, shop.key, (e) => e.event === 'result', firstPart[0]!.id);
    const events = [...firstPart, ...rest];
    expect(rest[0]?.id).not.toBe(firstPart[0]!.id);
    const result = events.at(-1)!;
    expect(result.event).toBe('result');
    expect(result.data).toMatchObject({ id, kind: 'img2video', caller: 'shop', execution: 'succeeded' });
    const states = events
      .filter((e) => e.event === 'status')
      .map((e) => `${e.data.status.phase}/${e.data.status.state}/${e.data.status.progress}`);
    console.log(`[api] ${events.length} events in ${Date.now() - t0} ms: ${states.join(' → ')}`);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    const got = await call('GET', first.json.links.self, shop.key);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id, execution: 'succeeded', status: { phase: 'done' } });
    expect(got.json.result.archive.files.length).toBeGreaterThan(0);
    // S3 archive: a presigned link per file and the manifest; the bytes behind them are the archived ones.
    const downloads = got.json.downloads as Array<{ name: string; url: string; sha256?: string }>;
    expect(downloads.map((d) => d.name).sort()).toEqual(
      [...got.json.result.archive.files.map((f: { name: string }) => f.name), 'manifest.json'].sort(),
    );
    for (const link of downloads.filter((d) => d.sha256)) {
      const bytes = Buffer.from(await (await fetch(link.url)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(link.sha256);
    }

    // The webhook: once, signed, the same generation as GET shows it.
    await until(
      async () => deliveries.length,
      (n) => n >= 1,
      'the webhook',
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(deliveries).toHaveLength(1);
    const hook = deliveries[0]!;
    const event = verifyWebhook(hook.headers as Record<string, string>, hook.body, shop.entry.webhookSecret!);
    expect(hook.headers['webhook-id']).toBe(`evt_${id}_succeeded`);
    expect(event.type).toBe('generation.succeeded');
    expect(event.data).toMatchObject({ id, execution: 'succeeded', caller: 'shop' });
    expect((event.data as { result: unknown }).result).toEqual(got.json.result);
    expect((event.data as { downloads?: unknown[] }).downloads).toHaveLength(downloads.length);
    expect(() => verifyWebhook(hook.headers as Record<string, string>, hook.body, other.entry.webhookSecret!)).toThrow(
      /signature/,
    );
    console.log(`[api] webhook ${hook.headers['webhook-id']} arrived ${Date.now() - t0} ms after the start`);

    // Listed for its caller (visibility is eventually consistent), invisible to everyone else.
    const listed = await until(
      () => call('GET', '/v1/generations?kind=img2video&execution=succeeded', shop.key),
      (r) => r.json.items?.some((i: { id: string }) => i.id === id),
      'the list to show the generation',
      15_000,
    );
    expect(listed.json.items.every((i: { kind: string }) => i.kind === 'img2video')).toBe(true);
    expect((await call('GET', '/v1/generations', other.key)).json.items).toEqual([]);
    for (const key of [other.key, reader.key]) {
      const hidden = await call('GET', first.json.links.self, key);
      expect(hidden.status).toBe(404);
      expect(hidden.type).toMatch(/^application\/problem\+json/);
    }
    expect((await call('POST', first.json.links.cancel, other.key)).status).toBe(404);
  });

  it('refuses a missing or wrong key (401), a read-only key (403) and a bad body (422 naming the field)', async () => {
    expect((await call('POST', '/v1/generations/img2video', undefined, { request })).status).toBe(401);
    expect((await call('GET', '/v1/generations', 'vf_wrong')).status).toBe(401);
    const ro = await call('POST', '/v1/generations/img2video', reader.key, { request });
    expect(ro.status).toBe(403);
    expect(ro.type).toMatch(/^application\/problem\+json/);
    const bad = await call('POST', '/v1/generations/img2video', shop.key, { request: { ...request, duration: 99 } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { field: string }) => e.field)).toContain('request.duration');
    expect((await call('POST', '/v1/generations/unknownKind', shop.key, { request })).status).toBe(404);
  });

  it('runs examples/start-generation.sh: curl alone starts (201, then 200 on the retry) and follows the events to the result', async () => {
    const { stdout } = await promisify(execFile)(
      'sh',
      [path.resolve(__dirname, '../../examples/start-generation.sh')],
      {
        env: { ...process.env, API: api, KEY: shop.key, IMAGE: image, IDEMPOTENCY_KEY: 'curl-1' },
        timeout: 60_000,
      },
    );
    expect(stdout).toContain('first POST: 201');
    expect(stdout).toContain('again POST: 200');
    const result = stdout.split('event: result\ndata: ')[1];
    expect(JSON.parse(result!.split('\n')[0]!)).toMatchObject({
      id: 'img2video-key-shop:curl-1',
      execution: 'succeeded',
    });
  });

  it('cancels a generation over HTTP and announces it with a generation.cancelled webhook', async () => {
    const before = deliveries.length;
    // Off-peak: Vidu holds the task in its queue (6 simulated hours), where a cancel is allowed, so
    // the cancel always lands before Vidu runs it (a running task's cancel Vidu would refuse).
    const started = await call('POST', '/v1/generations/img2video', other.key, {
      request: { ...request, prompt: 'to be cancelled', off_peak: true },
      options: { waitMode: 'callback' },
      notify: { url: hookUrl, events: ['generation.cancelled'] },
    });
    expect(started.status).toBe(201);
    const cancel = await call('POST', started.json.links.cancel, other.key);
    expect(cancel.status).toBe(202);
    const done = await until(
      () => call('GET', started.json.links.self, other.key),
      (r) => r.json.execution !== 'running',
      'the cancel',
      20_000,
    );
    console.log(
      `[api] after cancel: ${done.json.execution} (${done.json.status?.cancellation?.outcome ?? 'cancelled before it reached Vidu'})`,
    );
    expect(done.json).toMatchObject({ execution: 'cancelled', failure: { type: 'Cancelled' } });
    await until(
      async () => deliveries.length,
      (n) => n > before,
      'the cancelled webhook',
      20_000,
    );
    const hook = deliveries.at(-1)!;
    const event = verifyWebhook(hook.headers as Record<string, string>, hook.body, other.entry.webhookSecret!);
    expect(event).toMatchObject({
      type: 'generation.cancelled',
      data: { id: started.json.id, execution: 'cancelled' },
    });
  });

  it('reviews an AD film over HTTP: storyboards, a refused edit as 422 naming the field, an edit, approval', async () => {
    const t0 = Date.now();
    const started = await call('POST', '/v1/ad-films', shop.key, {
      request: { images: [image], prompt: 'A bottle of cold brew on a desk', duration: 15, language: 'en' },
      options: { review: true, waitMode: 'callback' },
    });
    expect(started.status).toBe(201);
    const id = started.json.id as string;
    await until(
      () => call('GET', `/v1/generations/${id}`, shop.key),
      (r) => r.json.status?.phase === 'reviewing',
      'the review phase',
      30_000,
    );
    const boards = await call('GET', `/v1/ad-films/${id}/storyboards`, shop.key);
    expect(boards.status).toBe(200);
    expect(boards.json.storyboards.length).toBeGreaterThan(0);
    // The workflow's own validator refuses a storyboard the film does not have; nothing enters history.
    const refused = await call('POST', `/v1/ad-films/${id}/edits`, shop.key, {
      edits: [{ type: 'video', storyboard: 99, prompt: 'a close-up' }],
    });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ field: 'edits[0].storyboard' })]);
    expect(
      (await call('POST', `/v1/ad-films/${id}/edits`, reader.key, { edits: [{ type: 'bgm', prompt: 'lo-fi' }] }))
        .status,
    ).toBe(403);
    const accepted = await call('POST', `/v1/ad-films/${id}/edits`, shop.key, {
      edits: [{ type: 'bgm', prompt: 'lo-fi' }],
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json.accepted).toBe(1);
    expect((await call('POST', `/v1/ad-films/${id}/approve`, shop.key)).status).toBe(202);
    const done = await until(
      () => call('GET', `/v1/generations/${id}`, shop.key),
      (r) => r.json.execution !== 'running',
      'the film',
      60_000,
    );
    expect(done.json).toMatchObject({ kind: 'adFilm', execution: 'succeeded' });
    console.log(`[api] AD film reviewed and composed over HTTP in ${Date.now() - t0} ms`);
  });
  it('sends generation.updated on each change of phase or Vidu state before the single, final generation.succeeded', async () => {
    const t0 = Date.now();
    const started = await call('POST', '/v1/generations/img2video', shop.key, {
      request: { ...request, prompt: 'the camera pulls back' },
      options: { waitMode: 'callback' },
      notify: { url: hookUrl, events: ['generation.updated', 'generation.succeeded'] },
    });
    expect(started.status).toBe(201);
    const id = started.json.id as string;
    const mine = () => deliveries.filter((d) => (JSON.parse(d.body) as { data?: { id?: string } }).data?.id === id);
    await until(
      async () => mine(),
      (ds) => ds.some((d) => d.headers['webhook-id'] === `evt_${id}_succeeded`),
      'the succeeded webhook',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000)); // anything late (or duplicated) would show now
    const hooks = mine().map((d) => ({
      id: String(d.headers['webhook-id']),
      event: verifyWebhook(d.headers as Record<string, string>, d.body, shop.entry.webhookSecret!),
      at: Date.now() - t0,
    }));
    expect(new Set(hooks.map((h) => h.id)).size).toBe(hooks.length); // never twice, never under another id
    const final = hooks.findIndex((h) => h.event.type === 'generation.succeeded');
    expect(hooks.filter((h) => h.event.type === 'generation.succeeded')).toHaveLength(1);
    expect(hooks[final]!.id).toBe(`evt_${id}_succeeded`);
    const updates = hooks.filter((h) => h.event.type === 'generation.updated');
    expect(hooks.slice(0, final).filter((h) => h.event.type === 'generation.updated').length).toBeGreaterThanOrEqual(1);
    for (const u of updates) {
      expect(u.id.startsWith(`evt_${id}_updated_`) && /^\d+$/.test(u.id.slice(`evt_${id}_updated_`.length))).toBe(true);
      expect(u.event.data).toMatchObject({
        id,
        kind: 'img2video',
        caller: 'shop',
        execution: 'running',
        status: { kind: 'img2video' },
      });
    }
    const steps = updates
      .map((u) => (u.event.data as { status: { phase: string; state: string } }).status)
      .map((st) => `${st.phase}/${st.state}`);
    expect(new Set(steps).size).toBe(steps.length); // one event per change, none for progress alone
    const seqs = updates.map((u) => Number(u.id.split('_').at(-1)));
    console.log(
      `[api] ${updates.length} generation.updated (${steps.join(' → ')}) then succeeded; arrival order of updates ${seqs.join(',')}, ${hooks.at(-1)!.at} ms after the start`,
    );

    // What the updates cost in the generation's own history: one MarkerRecorded (the local activity
    // that starts each delivery) per update, compared with the first test's generation.
    const connection = await Connection.connect({ address: temporalServer().address });
    try {
      const temporal = new Client({ connection, namespace: temporalServer().namespace });
      const count = async (wid: string) => {
        const { events } = await temporal.workflow.getHandle(wid).fetchHistory();
        // Only the markers of the local activity that starts a delivery (the generation records
        // others: staging, slot requests, confirmations); the marker's data names the activity.
        const delivery = (e: (typeof events & object)[number]) =>
          Object.values(e.markerRecordedEventAttributes?.details ?? {}).some((p) =>
            p.payloads?.some((x) =>
              Buffer.from(x.data ?? [])
                .toString()
                .includes('startWebhookDelivery'),
            ),
          );
        return {
          total: events!.length,
          markers: events!.filter(delivery).length,
          signals: events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length,
        };
      };
      const withUpdates = await count(id);
      const without = await count('img2video-key-shop:order-1');
      // One per update, and one for the terminal event (started by the same local activity, which
      // tells a squatted delivery id from this event's own: see activities/webhook.ts).
      expect(withUpdates.markers).toBe(updates.length + 1);
      console.log(
        `[api] history events: with updates ${withUpdates.total} (${withUpdates.markers} markers, ${withUpdates.signals} callback signals), without ${without.total} (${without.markers} markers, ${without.signals} signals)`,
      );
    } finally {
      await connection.close();
    }
  });

  it('a caller in Python (standard library, HTTP only) runs examples/http-caller.py: rejections, idempotent start, events, signed webhooks, cancel', async () => {
    const script = path.resolve(__dirname, '../../examples/http-caller.py');
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'python3',
        [script, '--api', api, '--read-only-key', reader.key, '--timeout', '45', '--listen', `127.0.0.1:${pyHookPort}`],
        // The key and secret by environment, as a deployment would pass them (not on a command line).
        {
          env: { ...process.env, VIDU_FLOW_API_KEY: py.key, VIDU_WEBHOOK_SECRET: py.entry.webhookSecret! },
          timeout: 110_000,
          maxBuffer: 4 << 20,
        },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    const summary = JSON.parse(run.stdout || '{}') as {
      ok: boolean;
      failed: string[];
      checks: Array<{ check: string; ok: boolean }>;
      generation: string;
      cancelled: string;
      events: number;
      states: string[];
      resultAfterMs: number;
      webhookAfterMs: number;
      tookMs: number;
    };
    expect(summary.failed, run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(summary.ok).toBe(true);
    // Every step ran (a failed fatal step would have ended the run with fewer checks).
    const names = summary.checks.map((c) => c.check).join('\n');
    for (const step of [
      'no key: 401',
      'read-only key starting: 403',
      'invalid field: 422',
      'unknown kind: 404',
      'oversized body',
      'start again with the same Idempotency-Key: 200',
      'events: the stream ends with the result',
      'webhook: generation.succeeded arrived',
      'cancelled: execution cancelled',
      'webhook: generation.cancelled arrived',
    ]) {
      expect(names).toContain(step);
    }
    expect(summary.generation).toMatch(/^img2video-key-py:http-caller-/);
    // What the script saw is what the API holds, and another key cannot see it.
    expect((await call('GET', `/v1/generations/${encodeURIComponent(summary.cancelled)}`, py.key)).json).toMatchObject({
      execution: 'cancelled',
    });
    expect((await call('GET', `/v1/generations/${encodeURIComponent(summary.generation)}`, shop.key)).status).toBe(404);
    console.log(
      `[api] python caller: ${summary.checks.length} checks passed in ${summary.tookMs} ms; ${summary.events} events (${summary.states.join(' → ')}); ` +
        `result after ${summary.resultAfterMs} ms, webhook after ${summary.webhookAfterMs} ms`,
    );
  });

  it('serves an OpenAPI document that validates, and every route in it answers as it documents (never no-route, never 5xx)', async () => {
    const served = (await (await fetch(`${api}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    await SwaggerParser.validate(structuredClone(served) as never);
    // A path the API does not serve is a problem of its own type, which is how the walk below tells
    // "this route is missing" from "this generation does not exist".
    const missing = await call('GET', '/v1/no-such-route', shop.key);
    expect(missing).toMatchObject({ status: 404, json: { type: '/docs#problem-no-route' } });
    // Each {id} route with an id that does not exist and with a finished generation of this key
    // (the first test's img2video; if that test did not run it is one more unknown id).
    const ids = ['img2video-key-shop:no-such-order', 'img2video-key-shop:order-1'];
    const seen: string[] = [];
    let operations = 0;
    for (const [template, item] of Object.entries(served.paths)) {
      for (const [method, op] of Object.entries(item)) {
        operations++;
        for (const id of template.includes('{id}') ? ids : [undefined]) {
          const url = id === undefined ? template : template.replace('{id}', encodeURIComponent(id));
          const res = await fetch(`${api}${url}`, {
            method: method.toUpperCase(),
            headers: {
              authorization: `Bearer ${shop.key}`,
              ...(method === 'post' ? { 'content-type': 'application/json' } : {}),
            },
            ...(method === 'post' ? { body: '{}' } : {}),
          });
          const text = await res.text();
          const where = `${method.toUpperCase()} ${url} → ${res.status} ${text.slice(0, 200)}`;
          expect(res.status, where).toBeLessThan(500);
          expect(Object.keys(op.responses), where).toContain(String(res.status));
          if (res.status >= 400) {
            expect(res.headers.get('content-type'), where).toMatch(/^application\/problem\+json/);
            expect((JSON.parse(text) as { type: string }).type, where).not.toBe('/docs#problem-no-route');
          }
          seen.push(
            `${method.toUpperCase()} ${template}${id === undefined ? '' : id.endsWith('order-1') ? ' (finished)' : ' (unknown id)'}: ${res.status}`,
          );
        }
      }
    }
    expect(operations).toBeGreaterThanOrEqual(13);
    console.log(`[api] ${operations} operations in /openapi.json, ${seen.length} calls:\n  ${seen.join('\n  ')}`);
  });
});
