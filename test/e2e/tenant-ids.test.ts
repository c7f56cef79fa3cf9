// Issue 16 item 2 (and the webhook allow-list of item 6), end to end against the real processes
// (simulator, callback receiver, worker, API; dev/stack.ts): key "mallory" tries to take key
// "alice"'s workflow ids through the HTTP API — a start, the completion-webhook child, the upscale
// child, an AD-film edit child — and through the raw Temporal SDK squats alice's derived child
// ids before she starts. Alice's work must run as if mallory were not there: her starts answer
// 201, her webhook arrives, her upscale and her edit run (under a fresh id where squatted), and
// her paid generation and film succeed. Webhooks reach the one allow-listed private port, never
// another port of the same host.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../../platform/keys/api-keys';
import type { AdFilmResult } from '../../core/ad-film-types';
import type { GenerationResult } from '../../core/generation-types';
import { webhookWorkflowId } from '../../core/webhook-types';
import { startStack, type Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { until } from '../helpers/e2e';
import { SimAdmin } from '../../sim/admin-client';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';
import { apiCall } from '../helpers/api-call';

const alice = newApiKey('alice');
const mallory = newApiKey('mallory');
const A = alice.entry.id;
const M = mallory.entry.id;
let stack: Stack;
let temporal: Client;
let connection: Connection;
let api: string;
let dir: string;
let hooks: Server;
let admin: Server;
let hookUrl: string;
let adminUrl: string;
const deliveries: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
let adminHits = 0;
const squatters: string[] = [];
const t0 = Date.now();

async function listen(handler: Parameters<typeof createServer>[1]): Promise<[Server, number]> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return [server, (server.address() as AddressInfo).port];
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-tenant-ids-'));
  const keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify([alice.entry, mallory.entry]), { mode: 0o600 });
  let hookPort: number;
  [hooks, hookPort] = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  // Another port of the same host, like an admin endpoint: never to be reached by a webhook.
  let adminPort: number;
  [admin, adminPort] = await listen((_req, res) => {
    adminHits += 1;
    res.writeHead(200).end('reset done');
  });
  hookUrl = `http://127.0.0.1:${hookPort}/hooks/vidu`;
  adminUrl = `http://127.0.0.1:${adminPort}/internal/admin/reset?confirm=1`;
  // Exactly one private port is open to webhooks, in the API and in the worker.
  const webhookList = { VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: `127.0.0.1:${hookPort}` };
  const { address, namespace } = temporalServer();
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue: uniqueTaskQueue('e2e-tenant-ids'),
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    simEnv: { VIDU_SIM_TIME_SCALE: '120', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    workerEnv: webhookList,
    apiKeysFile: keysFile,
    apiEnv: webhookList,
    logDir: path.join(dir, 'logs'),
  });
  api = stack.apiUrl!;
  connection = await Connection.connect({ address });
  temporal = new Client({ connection, namespace });
  console.log(`[tenant-ids] stack up in ${Date.now() - t0} ms`);
});

afterAll(async () => {
  await Promise.all(
    squatters.map((id) =>
      temporal?.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await stack?.stop();
  await connection?.close();
  await new Promise((r) => hooks?.close(r));
  await new Promise((r) => admin?.close(r));
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

const image = `data:image/png;base64,${renderPng('tenant', { width: 640, height: 360 }).toString('base64')}`;
const video = { model: 'viduq2', images: [image], prompt: 'the camera pushes in', duration: 5, resolution: '720p' };
const FAST = { waitMode: 'callback', poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 2 } };

const call = (method: string, url: string, key: string, body?: unknown, headers: Record<string, string> = {}) =>
  apiCall(api, method, url, key, body, headers);

/** A workflow of a type nobody runs, under one of alice's derived ids (the raw-SDK squat). */
async function squat(workflowId: string): Promise<void> {
  await temporal.workflow.start('squatter', { taskQueue: `nobody-${randomUUID()}`, workflowId, args: [] });
  squatters.push(workflowId);
}

describe('one key cannot take, silence or break another key’s work by its ids', () => {
  it('mallory aims at alice’s start, webhook, upscale and edit ids; alice’s work runs untouched', async () => {
    const gen = (key: string) => ({ request: video, options: { ...FAST, idempotencyKey: key } });

    // 1. The start: mallory's body key `alice:order-1` lands in mallory's own namespace.
    const aimed = await call('POST', '/v1/generations/img2video', mallory.key, gen(`${A}:order-1`));
    expect(aimed.status).toBe(201);
    expect(aimed.json.id).toBe(`img2video-key-${M}:${A}:order-1`);
    const viaHeader = await call(
      'POST',
      '/v1/generations/img2video',
      mallory.key,
      { request: video, options: FAST },
      { 'idempotency-key': `${A}:order-1` },
    );
    expect(viaHeader.json.id).toBe(aimed.json.id);

    // 2-4. The children: no key mallory can send names a derived id (`~` is hashed away or refused).
    const childAims = [
      [
        '/v1/generations/img2video',
        gen(`${A}:order-2~webhook-succeeded`),
        `img2video-key-${A}:order-2~webhook-succeeded`,
      ],
      ['/v1/generations/img2video', gen(`${A}:up-1~upscale`), `img2video-key-${A}:up-1~upscale`],
      [
        '/v1/ad-films',
        {
          request: { images: [image], prompt: 'p', duration: 15 },
          options: { idempotencyKey: `${A}:film-1~edit-1-bgm` },
        },
        `adFilm-key-${A}:film-1~edit-1-bgm`,
      ],
    ] as const;
    for (const [route, body, target] of childAims) {
      const r = await call('POST', route, mallory.key, body);
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      expect(r.json.id).not.toBe(target);
      expect(r.json.id).not.toContain('~');
      expect(r.json.id).toMatch(/^(img2video|adFilm)-key-[0-9a-f]{40}$/);
    }
    // A raw-SDK squat of derived ids alice will use, before she starts: her upscale child and her edit child.
    await squat(`img2video-key-${A}:up-2~upscale`);
    await squat(`adFilm-key-${A}:film-1~edit-1-bgm`);

    // Alice's own starts: each 201 (her ids were free), in her namespace.
    const started = await Promise.all([
      call('POST', '/v1/generations/img2video', alice.key, gen('order-1')),
      call('POST', '/v1/generations/img2video', alice.key, { ...gen('order-2'), notify: { url: hookUrl } }),
      call('POST', '/v1/generations/img2video', alice.key, {
        request: video,
        options: { ...FAST, idempotencyKey: 'up-1', upscale: { resolution: '1080p' } },
      }),
      call('POST', '/v1/generations/img2video', alice.key, {
        request: video,
        options: { ...FAST, idempotencyKey: 'up-2', upscale: { resolution: '1080p' } },
      }),
      call('POST', '/v1/ad-films', alice.key, {
        request: { images: [image], prompt: 'A bottle of cold brew', duration: 15 },
        edits: [{ type: 'bgm', prompt: 'warm guitar' }],
        options: { ...FAST, idempotencyKey: 'film-1' },
      }),
    ]);
    expect(started.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const [order1, order2, up1, up2, film1] = started.map((r) => r.json.id as string);
    expect([order1, order2, up1, up2, film1]).toEqual([
      `img2video-key-${A}:order-1`,
      `img2video-key-${A}:order-2`,
      `img2video-key-${A}:up-1`,
      `img2video-key-${A}:up-2`,
      `adFilm-key-${A}:film-1`,
    ]);

    const [r1, r2, u1, u2] = (await Promise.all(
      [order1, order2, up1, up2].map((id) => temporal.workflow.getHandle(id!).result()),
    )) as GenerationResult[];
    expect([r1, r2, u1, u2].map((r) => r!.state)).toEqual(['success', 'success', 'success', 'success']);
    expect(u1!.upscale?.workflowId).toBe(`${up1}~upscale`);
    // The squatted upscale id: the child ran under a fresh one, the paid generation succeeded.
    expect(u2!.upscale?.workflowId).toBe(`${up2}~upscale-2`);
    expect(u2!.upscale?.state).toBe('success');
    const filmResult = (await temporal.workflow.getHandle(film1!).result()) as AdFilmResult;
    expect(filmResult.edits.map((e) => e.state)).toEqual(['success']);
    expect((await temporal.workflow.getHandle(`${film1}~edit-1-bgm-2`).describe()).status.name).toBe('COMPLETED');
    for (const id of squatters) expect((await temporal.workflow.getHandle(id).describe()).type).toBe('squatter');
    console.log(`[tenant-ids] alice's 4 generations and film done ${Date.now() - t0} ms after the start of the file`);

    // Alice's webhook arrives once, from its derived delivery id, with her event id.
    await until(
      async () => deliveries.filter((d) => d.headers['webhook-id'] === `evt_${order2}_succeeded`).length,
      (n) => n >= 1,
      'alice’s webhook',
      20_000,
    );
    expect(
      (await temporal.workflow.getHandle(webhookWorkflowId(order2!, 'generation.succeeded')).describe()).type,
    ).toBe('webhookDelivery');

    // Mallory still sees none of alice's work.
    for (const id of [order1, up2, `${up2}~upscale-2`, film1])
      expect((await call('GET', `/v1/generations/${encodeURIComponent(id!)}`, mallory.key)).status).toBe(404);
  });

  it('webhooks reach the one allow-listed private port, never another port of the same host', async () => {
    // The API refuses the other port at start, before anything is paid for.
    const refused = await call('POST', '/v1/generations/img2video', alice.key, {
      request: video,
      options: FAST,
      notify: { url: adminUrl },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0].field).toBe('notify.url');
    expect(refused.json.errors[0].message).toMatch(
      /127\.0\.0\.1 is a loopback address \(port \d+\).*VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS/,
    );
    // The worker checks the connection itself: a delivery started by the raw SDK to that port is refused there.
    const delivery = await temporal.workflow.start('webhookDelivery', {
      taskQueue: stack.env.VIDU_TASK_QUEUE!,
      workflowId: `raw-delivery-${randomUUID()}`,
      args: [
        {
          generationId: `img2video-key-${A}:order-1`,
          type: 'generation.updated',
          caller: A,
          url: adminUrl,
          eventId: 'evt_raw',
          occurredAt: new Date().toISOString(),
          data: {},
        },
      ],
    });
    const err = await delivery.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause?.cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('WebhookRefused');
    expect((cause as ApplicationFailure).message).toMatch(
      /loopback address \(port \d+\).*VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS/,
    );
    expect(adminHits).toBe(0);
    // And the listed port works (alice's webhook above, and this one).
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    console.log(`[tenant-ids] file done in ${Date.now() - t0} ms`);
  });

  it('a generation started through the raw SDK under an id it could not keep is refused before Vidu sees a request', async () => {
    const sim = new SimAdmin(stack.simUrl);
    const before = (await sim.requests()).length;
    const hostile = [
      `img2video py spaces-${randomUUID().slice(0, 6)}`,
      `img2video-py/../escape-${randomUUID().slice(0, 6)}`,
      `img2video-key-${A}:raw-${randomUUID().slice(0, 6)}~upscale`,
    ];
    for (const workflowId of hostile) {
      const handle = await temporal.workflow.start('img2video', {
        taskQueue: stack.env.VIDU_TASK_QUEUE!,
        workflowId,
        args: [{ request: video, options: FAST }],
      });
      const err = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, workflowId).toBeInstanceOf(WorkflowFailedError);
      expect(((err as WorkflowFailedError).cause as ApplicationFailure).type, workflowId).toBe('InvalidRequest');
    }
    expect((await sim.requests()).length - before).toBe(0);
  });
});
