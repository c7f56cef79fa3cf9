// Metrics, health endpoints and traces, end to end: the worker, the callback receiver and the
// simulator run as processes; the worker and the receiver serve /metrics, /healthz and /readyz on
// METRICS_PORT, and everything traces to a tiny OTLP/HTTP receiver started here. The counters
// must move by exactly what the generation did (credits as the simulator charged them, callbacks
// as it delivered them), and one trace must run from the client's start to the Vidu HTTP call.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackUrlFor } from '../../activities/idempotency';
import { CallbackMetric, WorkerMetric } from '../../contract/metric-names';
import { getFreePort } from '../../dev/temporal-server';
import { renderPng } from '../../sim/media/render';
import { signCallbackRequest } from '../../vidu/signature';
import { startTracing } from '../../platform/telemetry/tracing';
import type { GenerationResult } from '../../core/generation-types';
import { startE2eEnv, until, type E2eEnv } from '../helpers/e2e';
import { scrape, total } from '../helpers/prometheus';

const IMAGE = `data:image/png;base64,${renderPng('metrics', { width: 320, height: 180 }).toString('base64')}`;

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
}

let dir: string;
let e: E2eEnv;
let otlp: Server;
const spans: ExportedSpan[] = [];
let otlpRequests = 0;
let workerMetrics: string;
let receiverMetrics: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-metrics-'));
  // A minimal OTLP/HTTP trace receiver: @opentelemetry/exporter-trace-otlp-http posts JSON.
  otlp = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        otlpRequests += 1;
        spans.push(...spansOf(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => otlp.listen(0, '127.0.0.1', r));
  // Set in this test process (a fork of its own): the client traces, and the child processes inherit it.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`;
  const [workerPort, receiverPort] = [await getFreePort(), await getFreePort()];
  workerMetrics = `http://127.0.0.1:${workerPort}`;
  receiverMetrics = `http://127.0.0.1:${receiverPort}`;
  e = await startE2eEnv('metrics', dir, {
    simEnv: { VIDU_SIM_TIME_SCALE: '60' },
    workerEnv: { METRICS_PORT: String(workerPort), METRICS_HOST: '127.0.0.1' },
    receiverEnv: { METRICS_PORT: String(receiverPort), METRICS_HOST: '127.0.0.1' },
  });
});

afterAll(async () => {
  await e?.stack.stop();
  await new Promise((r) => otlp?.close(r));
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

function spansOf(body: unknown): ExportedSpan[] {
  const out: ExportedSpan[] = [];
  type Attr = { key: string; value: { stringValue?: string } };
  const resourceSpans = (body as { resourceSpans?: unknown[] }).resourceSpans ?? [];
  for (const rs of resourceSpans as Array<{
    resource?: { attributes?: Attr[] };
    scopeSpans?: Array<{ spans?: Array<Record<string, string>> }>;
  }>) {
    const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: s.traceId!,
          spanId: s.spanId!,
          ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name!,
          service,
        });
      }
    }
  }
  return out;
}

describe('health endpoints', () => {
  it('answer 200 on the worker and the receiver once they are ready', async () => {
    for (const base of [workerMetrics, receiverMetrics]) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      // The worker is ready once it polls (state RUNNING), a moment after it logs its start.
      const ready = await until(
        () => fetch(`${base}/readyz`),
        (r) => r.status === 200,
        `${base}/readyz`,
        30_000,
      );
      expect(await ready.json()).toEqual({ ready: true });
    }
    // The receiver also answers both on its public callback port, for a load balancer.
    const callbackBase = new URL(e.stack.callbackUrl!).origin;
    expect((await fetch(`${callbackBase}/readyz`)).status).toBe(200);
  });
});

describe('metrics', () => {
  let result: GenerationResult;
  let traceStart: number;

  it('move by what one generation, one failed start and one forged callback did', async () => {
    const [w0, r0, sim0] = [await scrape(workerMetrics), await scrape(receiverMetrics), await e.sim.stats()];
    traceStart = spans.length;

    const handle = await e.client.start('img2video', {
      request: { model: 'viduq2', images: [IMAGE], prompt: 'the metrics move', duration: 5 },
      options: { waitMode: 'callback', poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 2 } },
    });
    result = await handle.result();
    // Refused by staging (over-long prompt) behind the client's own check: fails as InvalidRequest.
    const bad = await e.client.temporal.workflow.start('img2video', {
      taskQueue: e.client.taskQueue,
      workflowId: `metrics-invalid-${Date.now()}`,
      args: [{ request: { model: 'viduq2', images: [IMAGE], prompt: 'x'.repeat(2100), duration: 5 } }],
    });
    await bad.result().catch(() => undefined);
    // A callback signed with the wrong key.
    const url = callbackUrlFor(e.stack.callbackUrl!, handle.workflowId);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { ...signCallbackRequest({ secret: 'not-the-key', url }), 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'success' }),
    });
    expect(forged.status).toBe(401);

    const sim1 = await e.sim.stats();
    // The simulator may still deliver a late callback; wait until the receiver has counted all it got.
    const delivered = (s: typeof sim1) => (s.callbacks as unknown as { delivered: number }).delivered;
    const r1 = await until(
      () => scrape(receiverMetrics),
      (r) =>
        total(r, CallbackMetric.callbacks, { outcome: 'accepted' }) +
          total(r, CallbackMetric.callbacks, { outcome: 'not-running' }) >=
        delivered(sim1) -
          delivered(sim0) +
          total(r0, CallbackMetric.callbacks, { outcome: 'accepted' }) +
          total(r0, CallbackMetric.callbacks, { outcome: 'not-running' }),
      'the receiver to count the delivered callbacks',
    );
    const w1 = await scrape(workerMetrics);
    const d = (
      after: Map<string, number>,
      before: Map<string, number>,
      name: string,
      want: Record<string, string> = {},
    ) => total(after, name, want) - total(before, name, want);

    const img = { kind: 'img2video' };
    const archived = result.archive!.files.reduce((n, f) => n + f.bytes, 0);
    const figures = {
      started: d(w1, w0, WorkerMetric.generationsStarted, img),
      succeeded: d(w1, w0, WorkerMetric.generationsSucceeded, img),
      failedInvalid: d(w1, w0, WorkerMetric.generationsFailed, { ...img, failure_type: 'InvalidRequest' }),
      credits: d(w1, w0, WorkerMetric.creditsCharged, { ...img, model: 'viduq2' }),
      simCredits: sim1.creditsSpent - sim0.creditsSpent,
      resultCredits: result.credits,
      submitted: d(w1, w0, WorkerMetric.tasksSubmitted, { ...img, priority: 'interactive' }),
      finished: d(w1, w0, WorkerMetric.tasksFinished, { ...img, priority: 'interactive' }),
      createRequests: d(w1, w0, `${WorkerMetric.viduRequestSeconds}_count`, { endpoint: 'img2video' }),
      getRequests: d(w1, w0, `${WorkerMetric.viduRequestSeconds}_count`, { endpoint: 'creations' }),
      simGets: (sim1.requestsByEndpoint.creations ?? 0) - (sim0.requestsByEndpoint.creations ?? 0),
      viduErrors: d(w1, w0, WorkerMetric.viduRequestErrors),
      polls: d(w1, w0, WorkerMetric.polls),
      archiveBytes: d(w1, w0, WorkerMetric.archiveBytes),
      archivedFiles: archived,
      archiveAttempts: d(w1, w0, `${WorkerMetric.archiveSeconds}_count`, { outcome: 'ok' }),
      accepted: d(r1, r0, CallbackMetric.callbacks, { outcome: 'accepted' }),
      notRunning: d(r1, r0, CallbackMetric.callbacks, { outcome: 'not-running' }),
      simDelivered: delivered(sim1) - delivered(sim0),
      badSignature: d(r1, r0, CallbackMetric.callbacks, { outcome: 'rejected', reason: 'bad-signature' }),
      signalCount: d(r1, r0, `${CallbackMetric.signalSeconds}_count`),
    };
    console.log('[metrics] deltas after one generation:', JSON.stringify(figures));

    expect(figures.started).toBe(2);
    expect(figures.succeeded).toBe(1);
    expect(figures.failedInvalid).toBe(1);
    expect(figures.credits).toBe(result.credits);
    expect(figures.credits).toBe(figures.simCredits);
    expect(figures.credits).toBeGreaterThan(0);
    expect(figures.submitted).toBe(1);
    expect(figures.finished).toBe(1);
    expect(figures.createRequests).toBe(1);
    expect(figures.getRequests).toBe(figures.simGets);
    expect(figures.archiveBytes).toBe(archived);
    expect(figures.archiveAttempts).toBe(1);
    expect(figures.accepted).toBeGreaterThanOrEqual(1);
    expect(figures.accepted + figures.notRunning).toBe(figures.simDelivered);
    expect(figures.signalCount).toBe(figures.accepted);
    expect(figures.badSignature).toBe(1);
    // The SDK's own runtime metrics come through the same exporter.
    expect(total(w1, 'temporal_workflow_completed', { workflow_type: 'img2video' })).toBeGreaterThanOrEqual(1);
  });

  it('trace one generation from the client start to the Vidu HTTP call', async () => {
    expect(result).toBeDefined();
    await startTracing('vidu-flow-client')?.flush();
    const mine = () => {
      const start = spans.slice(traceStart).find((s) => s.name === 'StartWorkflow:img2video');
      return start ? spans.filter((s) => s.traceId === start.traceId) : [];
    };
    const wanted = [
      'StartWorkflow:img2video',
      'RunWorkflow:img2video',
      'RunActivity:stageInputs',
      'RunActivity:submitWhenAdmitted',
      'RunActivity:archiveTask',
      'Vidu POST img2video',
    ];
    const trace = await until(
      async () => mine(),
      (t) => wanted.every((n) => t.some((s) => s.name === n)),
      'the spans of one trace',
      30_000,
    ).catch(() => mine());
    console.log(
      `[traces] ${otlpRequests} OTLP requests; trace ${trace[0]?.traceId}: ${trace.length} spans:`,
      [...new Set(trace.map((s) => `${s.service}:${s.name}`))].join(', '),
    );
    for (const name of wanted) expect(trace.map((s) => s.name)).toContain(name);
    // The Vidu call is a child of the submit activity's span.
    // (An attempt that Temporal retried leaves a span of its own: the POST belongs to one of them.)
    const submits = trace.filter((s) => s.name === 'RunActivity:submitWhenAdmitted').map((s) => s.spanId);
    expect(submits).toContain(trace.find((s) => s.name === 'Vidu POST img2video')!.parentSpanId);
    // Spans come from the client (this process) and from the worker process.
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['vidu-flow-client', 'vidu-flow-worker']));
  });

  it("count a retry of options.onTaskFailure by the failed task's err_code and the kind of retry", async () => {
    const retried = { kind: 'text2video', model: 'viduq2', err_code: 'CreationPolicyViolation', retry: 'reseed' };
    const w0 = await scrape(workerMetrics);
    await e.sim.setFaults({
      endpoints: { text2video: { taskFailure: { rate: 1, errCode: 'CreationPolicyViolation', count: 1 } } },
    });
    try {
      const handle = await e.client.start('text2video', {
        request: { model: 'viduq2', prompt: 'moderated once, then fine', duration: 4 },
        options: { onTaskFailure: { attempts: 2 }, poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 2 } },
      });
      const done = await handle.result();
      expect(done.attempts?.map((a) => a.errCode)).toEqual(['CreationPolicyViolation', '']);
    } finally {
      await e.sim.setFaults({});
    }
    const w1 = await until(
      () => scrape(workerMetrics),
      (m) => total(m, WorkerMetric.taskRetries, retried) > total(w0, WorkerMetric.taskRetries, retried),
      'the retry to be counted',
      15_000,
    );
    // One retry, labelled with the catalogue's class (vidu/errors.ts), and nothing else counted as one.
    expect(total(w1, WorkerMetric.taskRetries, retried) - total(w0, WorkerMetric.taskRetries, retried)).toBe(1);
    expect(total(w1, WorkerMetric.taskRetries) - total(w0, WorkerMetric.taskRetries)).toBe(1);
  });
});
