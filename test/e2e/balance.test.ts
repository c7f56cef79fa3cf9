// Spend control with the real processes (issue 19 §3 and two §5 tests): simulator, receiver,
// worker and HTTP API (dev/stack.ts), one stack for the file.
//   1. The credits floor: the watch (a Temporal Schedule, worker/balance-schedule.ts) reads the
//      simulator's balance every second; under VIDU_MIN_REMAINING_CREDITS new batch generations are
//      held (the simulator receives none of them) and shown as waiting_for_credits; when the
//      balance rises (the sim's admin route) they are released. The worker's metrics show
//      remains; the key that asked for account.low_balance gets exactly one signed event.
//   2. Two callers (fair share, issue 19 §4/§5): VIDU_MAX_IN_FLIGHT=3, a fast simulator. Key A
//      starts a 200-line batch over HTTP; then key B starts 5 interactive and 20 batch
//      generations. B's first task reaches Vidu within the next freed slots, and while both have
//      work waiting B gets its share of the slots. The figures are printed, not timed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerMetric } from '../../contract/metric-names';
import { getFreePort } from '../../dev/temporal-server';
import { startStack, type Stack } from '../../dev/stack';
import { newApiKey } from '../../platform/keys/api-keys';
import { verifyWebhook } from '../../platform/webhooks/signature';
import { SimAdmin } from '../../sim/admin-client';
import { apiCall } from '../helpers/api-call';
import { until } from '../helpers/e2e';
import { scrape, total } from '../helpers/prometheus';
import { connectToTestServer, temporalServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';
import { accountIdFor } from '../../activities/admission';
import { savedBalanceState } from '../../activities/balance';
import { balanceScheduleId } from '../../core/balance';

const FLOOR = 1_000;
const IN_FLIGHT = 3;
const alice = newApiKey('alice'); // key A: the big batch
const bob = newApiKey('bob'); // key B: a few generations of each class
const ops = newApiKey('ops'); // asks for account.low_balance
let dir: string;
let stack: Stack;
let sim: SimAdmin;
let api: string;
let metrics: string;
let hooks: Server;
let temporal: TestConnections;
/** The balance watch's Schedule, whose saved state the credits floor reads (savedBalanceState). */
let scheduleId: string;
const deliveries: Array<{ headers: Record<string, unknown>; body: string }> = [];
const t0 = Date.now();
/** Moves the simulator's clock 30 s every 250 ms (each tick ends the running tasks), unless paused. */
let ticker: NodeJS.Timeout | undefined;
let paused = false;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-balance-'));
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const hookPort = (hooks.address() as AddressInfo).port;
  const keysFile = path.join(dir, 'keys.json');
  const opsEntry = {
    ...ops.entry,
    notifyUrl: `http://127.0.0.1:${hookPort}/vidu/account`,
    events: ['account.low_balance'] as const,
  };
  await writeFile(keysFile, JSON.stringify([alice.entry, bob.entry, opsEntry]), { mode: 0o600 });
  const metricsPort = await getFreePort();
  const { address, namespace } = temporalServer();
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue: uniqueTaskQueue('e2e-balance'),
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    // The simulator's clock is moved by the test (the ticker below): a task takes 30 simulated
    // seconds, so each tick ends every task running; Vidu itself would run 50 at once.
    simEnv: { VIDU_SIM_TIME_SCALE: '0', VIDU_SIM_MAX_CONCURRENCY: '50', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    workerEnv: {
      VIDU_MAX_IN_FLIGHT: String(IN_FLIGHT),
      VIDU_SLOT_RECONCILE_SECONDS: '2',
      VIDU_FLOW_BALANCE_INTERVAL_SECONDS: '1',
      VIDU_MIN_REMAINING_CREDITS: String(FLOOR),
      VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: `127.0.0.1:${hookPort}`,
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
    },
    apiKeysFile: keysFile,
    logDir: path.join(dir, 'logs'),
  });
  sim = new SimAdmin(stack.simUrl);
  temporal = await connectToTestServer();
  scheduleId = balanceScheduleId(stack.env.VIDU_FLOW_DEPLOYMENT_NAME!, accountIdFor(stack.apiKey, stack.simUrl));
  api = stack.apiUrl!;
  metrics = `http://127.0.0.1:${metricsPort}`;
  ticker = setInterval(() => {
    if (!paused) void sim.advance(30).catch(() => undefined);
  }, 250);
}, 180_000);

afterAll(async () => {
  clearInterval(ticker);
  await temporal?.close();
  await stack?.stop();
  await new Promise((r) => hooks?.close(r));
  console.log(`[balance] whole file in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

const call = (method: string, url: string, key: string, body?: unknown) => apiCall(api, method, url, key, body);
const video = (prompt: string) => ({ model: 'viduq1', prompt });

async function setBalance(balance: number): Promise<void> {
  const res = await fetch(`${stack.simUrl}/_sim/credits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ balance }),
  });
  expect(res.status).toBe(200);
}

/** Metrics scrape until the watch's gauge shows `remains` (or a figure `ok` accepts). */
const remainsShown = (remains: number, ok = (shown: number) => shown === remains) =>
  until(
    () => scrape(metrics),
    (m) => ok(total(m, WorkerMetric.creditsRemaining)),
    `the worker's metrics to show ${remains} credits left`,
    30_000,
  );

/**
 * Until the credits floor itself sees `remains`: it reads the state the balance check saves on its
 * Schedule, a step after the read that sets the gauge (and after announcing a low balance), so a
 * generation started when only the gauge shows it may still be judged on the read before.
 */
const floorSees = (remains: number) =>
  until(
    async () => savedBalanceState(await temporal.client.schedule.getHandle(scheduleId).describe())?.last?.remains,
    (seen) => seen === remains,
    `the credits floor to see ${remains} credits left`,
    30_000,
  );

describe('the credits floor', () => {
  it('holds new batch generations under VIDU_MIN_REMAINING_CREDITS and releases them when the balance rises', async () => {
    // The first read (at the watch's creation) saw the simulator's full balance.
    const full = await remainsShown(100_000);
    expect([...full.keys()].some((k) => k.startsWith(`${WorkerMetric.creditPackageExpiry}{`))).toBe(true);
    await setBalance(400);
    await remainsShown(400);
    await floorSees(400);
    const createsBefore = await sim.createRequests();
    const started = await Promise.all(
      [1, 2, 3].map((i) =>
        call('POST', '/v1/generations/text2video', bob.key, {
          request: video(`held ${i}`),
          options: { priority: 'batch', archive: false },
        }),
      ),
    );
    for (const s of started) expect(s.status).toBe(201);
    const ids = started.map((s) => s.json.id as string);
    for (const id of ids)
      await until(
        () => call('GET', `/v1/generations/${encodeURIComponent(id)}`, bob.key),
        (r) => r.json.status?.phase === 'waiting_for_credits',
        `${id} to be held`,
        30_000,
      );
    // Held, not failed, and nothing reached Vidu.
    expect(await sim.createRequests()).toBe(createsBefore);
    // An interactive generation is not held by the batch floor (no interactive floor is set).
    const interactive = await call('POST', '/v1/generations/text2video', bob.key, {
      request: video('interactive under the batch floor'),
      options: { archive: false },
    });
    await until(
      () => call('GET', `/v1/generations/${encodeURIComponent(interactive.json.id)}`, bob.key),
      (r) => r.json.execution === 'succeeded',
      'the interactive generation to finish',
      30_000,
    );
    expect(await sim.createRequests()).toBe(createsBefore + 1);

    const raised = Date.now();
    await setBalance(100_000);
    for (const id of ids)
      await until(
        () => call('GET', `/v1/generations/${encodeURIComponent(id)}`, bob.key),
        (r) => r.json.execution === 'succeeded',
        `${id} to be released and finish`,
        60_000,
      );
    expect(await sim.createRequests()).toBe(createsBefore + 4);
    console.log(
      `[balance] 3 batch generations held at 400 credits (floor ${FLOOR}), released and finished ${((Date.now() - raised) / 1000).toFixed(1)} s after the balance rose`,
    );

    // One crossing, one event, signed with the ops key's secret; no event for the other keys.
    const events = await until(
      async () => deliveries.filter((d) => d.body.includes('account.low_balance')),
      (d) => d.length >= 1,
      'the low-balance webhook',
      30_000,
    );
    expect(events).toHaveLength(1);
    const event = verifyWebhook(
      events[0]!.headers as Record<string, string>,
      events[0]!.body,
      ops.entry.webhookSecret!,
    );
    expect(event).toMatchObject({ type: 'account.low_balance', data: { remains: 400, floor: FLOOR, holds: 'batch' } });
    expect((event.data as { packages: unknown[] }).packages.length).toBeGreaterThan(0);
  });
});

describe('two callers', () => {
  it("gives key B a slot within the next freed ones against key A's 200-line batch, and its share while both wait", async () => {
    // The tasks of the first test were paid for: anything above the floor will do.
    await remainsShown(FLOOR, (shown) => shown > FLOOR);
    const created = async () =>
      (await sim.requests()).filter((r) => r.endpoint === 'text2video' && r.status === 200 && r.body);
    const promptOf = (r: Record<string, unknown>) => String((r.body as { prompt?: unknown }).prompt ?? '');
    const before = (await created()).length;
    const aStarted = Date.now();
    const batch = await call('POST', '/v1/batches', alice.key, {
      lines: Array.from({ length: 200 }, (_, i) => ({ kind: 'text2video', request: video(`A line ${i + 1}`) })),
      // Ten in flight keep A's work waiting behind the three slots, at a fraction of the worker's load.
      window: 10,
      options: { archive: false },
    });
    expect(batch.status).toBe(201);
    // A's batch holds every slot and has lines waiting.
    await until(created, (c) => c.length - before >= IN_FLIGHT * 2, "A's batch to fill the slots", 60_000);

    // B arrives while A holds every slot: the clock stands still until each of B's 25 generations
    // is queued at the slot manager, so "the next freed slots" is a count, not a race with staging.
    paused = true;
    const bStarted = Date.now();
    const atB = (await created()).length;
    const starts = [
      ...Array.from({ length: 5 }, (_, i) => ({ prompt: `B interactive ${i + 1}`, priority: 'interactive' })),
      ...Array.from({ length: 20 }, (_, i) => ({ prompt: `B batch ${i + 1}`, priority: 'batch' })),
    ];
    const bIds = (
      await Promise.all(
        starts.map((s) =>
          call('POST', '/v1/generations/text2video', bob.key, {
            request: video(s.prompt),
            options: { priority: s.priority, archive: false },
          }),
        ),
      )
    ).map((r) => {
      expect(r.status).toBe(201);
      return r.json.id as string;
    });
    const startsSent = Date.now();
    await Promise.all(
      bIds.map((id) =>
        until(
          () => call('GET', `/v1/generations/${encodeURIComponent(id)}`, bob.key),
          // Queued (or granted a slot freed just before the clock stopped): past staging either way.
          (r) => ['waiting_for_slot', 'submitting', 'waiting'].includes(r.json.status?.phase),
          `${id} to ask for a slot`,
          60_000,
        ),
      ),
    );
    const queued = Date.now();
    paused = false;
    const firstB = await until(
      created,
      (c) => c.slice(atB).some((r) => promptOf(r).startsWith('B ')),
      "B's first task at Vidu",
      60_000,
    );
    const firstBSeconds = (Date.now() - queued) / 1000;
    const grantsBeforeB = firstB.slice(atB).findIndex((r) => promptOf(r).startsWith('B '));
    // Every B task reaches Vidu (then A's batch is no longer needed).
    const all = await until(
      created,
      (c) => c.slice(atB).filter((r) => promptOf(r).startsWith('B ')).length === starts.length,
      "all of B's tasks at Vidu",
      90_000,
    );
    const window = all.slice(atB);
    const lastB = window.map((r) => promptOf(r).startsWith('B ')).lastIndexOf(true);
    const contested = window.slice(0, lastB + 1);
    const bShare = contested.filter((r) => promptOf(r).startsWith('B ')).length / contested.length;
    const bBatch = contested.filter((r) => promptOf(r).startsWith('B batch'));
    const firstBBatch = contested.findIndex((r) => promptOf(r).startsWith('B batch'));
    const batchWindow = contested.slice(firstBBatch);
    const bBatchShare = bBatch.length / batchWindow.length;
    console.log(
      `[balance] two callers, VIDU_MAX_IN_FLIGHT=${IN_FLIGHT}: B's first task was grant ${grantsBeforeB + 1} after B's start ` +
        `(${grantsBeforeB} of A's tasks reached Vidu first; ${firstBSeconds.toFixed(2)} s after the clock moved on, one tick = 30 simulated s = 250 ms; ` +
        `B's 25 starts took ${((startsSent - bStarted) / 1000).toFixed(2)} s to send and ${((queued - bStarted) / 1000).toFixed(2)} s to queue); ` +
        `while B had work: ${contested.length} grants, B ${(bShare * 100).toFixed(0)} % A ${((1 - bShare) * 100).toFixed(0)} %; ` +
        `batch class only (from B's first batch task): B ${(bBatchShare * 100).toFixed(0)} % of ${batchWindow.length}`,
    );
    // Within the next freed slot: B's interactive work is first in line for it.
    expect(grantsBeforeB).toBeLessThan(IN_FLIGHT);
    // Both have batch work waiting: round robin gives B about half; at least a third, not a trickle.
    expect(bBatchShare).toBeGreaterThanOrEqual(1 / 3);
    const allAtVidu = Date.now();
    // A's batch has served its purpose: cancelled rather than run to its end.
    const cancelled = await call('POST', `/v1/generations/${encodeURIComponent(batch.json.id)}/cancel`, alice.key);
    expect(cancelled.status).toBeLessThan(300);
    await Promise.all(
      bIds.map((id) =>
        until(
          () => call('GET', `/v1/generations/${encodeURIComponent(id)}`, bob.key),
          (r) => r.json.execution === 'succeeded',
          `${id} to finish`,
          60_000,
        ),
      ),
    );
    console.log(
      `[balance] two callers: A's batch filled the slots in ${((bStarted - aStarted) / 1000).toFixed(1)} s; B's tasks all at Vidu ${((allAtVidu - queued) / 1000).toFixed(1)} s after the clock moved on, all finished ${((Date.now() - allAtVidu) / 1000).toFixed(1)} s later`,
    );
  });
});
