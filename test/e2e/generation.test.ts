// End to end, as a user runs vidu-flow: the simulator, the callback receiver and the worker each
// run as their own process, against the real Temporal dev server of this test run.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidGenerationInput, ViduFlowClient, type GenerationHandle } from '../../client';
import { startStack, type Stack } from '../../dev/stack';
import { renderMp4, renderPng } from '../../sim/media/render';
import type { GenerationInput, GenerationKind, GenerationResult } from '../../core/generation-types';
import { SimAdmin } from '../../sim/admin-client';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';

const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };

let stack: Stack;
let client: ViduFlowClient;
let sim: SimAdmin;
let dir: string;
let media: Server;
let mediaUrl: string;
const files: Record<string, string> = {};

function gif(width: number, height: number): Buffer {
  const b = Buffer.alloc(14);
  b.write('GIF89a', 0, 'ascii');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  b[13] = 0x3b;
  return b;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-e2e-'));
  const fixtures: Record<string, Buffer> = {
    'portrait.png': renderPng('portrait', { width: 400, height: 600 }),
    'landscape.png': renderPng('landscape', { width: 640, height: 360 }),
    'tiny.png': renderPng('tiny', { width: 100, height: 100 }),
    'thin.png': renderPng('thin', { width: 100, height: 500 }),
    'anim.gif': gif(300, 300),
    'dance.mp4': renderMp4('dance', { durationSeconds: 5, width: 400, height: 600 }),
    'long.mp4': renderMp4('long', { durationSeconds: 31, width: 400, height: 600 }),
  };
  for (const [name, bytes] of Object.entries(fixtures)) {
    files[name] = path.join(dir, name);
    await writeFile(files[name]!, bytes);
  }
  // A plain HTTP server for inputs given as URLs; the simulator downloads them like Vidu would.
  media = createServer((req, res) => {
    const bytes = fixtures[path.basename(req.url ?? '')];
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;

  const { address, namespace } = temporalServer();
  const taskQueue = uniqueTaskQueue('e2e-generation');
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue,
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    // Inputs sent straight to Temporal (below) name files in this folder; the worker reads no other.
    inputRoots: [dir],
    simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    logDir: path.join(dir, 'logs'),
  });
  sim = new SimAdmin(stack.simUrl);
  client = await ViduFlowClient.connect({ address, namespace, taskQueue, stagingDir: path.join(dir, 'staging') });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => media?.close(r));
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

function requestFor(kind: GenerationKind): Record<string, unknown> {
  switch (kind) {
    case 'img2video':
      return {
        model: 'viduq2',
        images: [files['landscape.png']],
        prompt: 'the camera slowly pushes in',
        duration: 5,
        resolution: '720p',
      };
    case 'reference2video':
      return {
        model: 'viduq1',
        images: [`${mediaUrl}/portrait.png`, `${mediaUrl}/landscape.png`],
        prompt: 'two friends wave',
        duration: 5,
      };
    case 'reference2image':
      return {
        model: 'viduq2',
        images: [`data:image/png;base64,${renderPng('ref', { width: 256, height: 256 }).toString('base64')}`],
        prompt: 'a poster of the subject',
        aspect_ratio: '1:1',
      };
    case 'image2dance':
      return { image_url: files['portrait.png'], video_url: files['dance.mp4'] };
    default: // the endpoints added later run in test/e2e/more-endpoints.test.ts
      throw new Error(`no request for ${kind} here`);
  }
}

async function expectArchivedLikeSim(result: GenerationResult): Promise<void> {
  expect(result.archive).toBeDefined();
  const archive = result.archive!;
  const manifest = JSON.parse(await readFile(archive.manifest, 'utf8')) as {
    files: Array<{ name: string; sha256: string; bytes: number }>;
  };
  expect(manifest.files.length).toBe(archive.files.length);
  expect(archive.files.length).toBeGreaterThanOrEqual(result.creations.length);
  const task = await sim.task(result.taskId);
  const simShas = JSON.stringify(task);
  for (const file of archive.files) {
    const bytes = await readFile(file.location);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    expect(bytes.length).toBe(file.bytes);
    // The simulator's own record of what it served carries the same digest.
    expect(simShas).toContain(file.sha256);
  }
}

async function clientRequestIdOf(taskId: string): Promise<string> {
  const key = String((await sim.task(taskId)).clientRequestId ?? '');
  expect(key).not.toBe('');
  return key;
}

async function submissionsFor(taskId: string): Promise<number> {
  const key = await clientRequestIdOf(taskId);
  return (await sim.stats()).submissionsByClientRequestId[key] ?? 0;
}

async function failureOf(handle: GenerationHandle): Promise<ApplicationFailure | CancelledFailure> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause as ApplicationFailure;
}

/**
 * Waits until Vidu (the simulator) holds the generation's task in one of `states`. Asked of Vidu,
 * not of the workflow: the receiver forwards only some non-terminal states (CALLBACK_FORWARD_STATES).
 */
async function waitForState(handle: GenerationHandle, states: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = await handle.status().catch(() => undefined);
    const task = s?.taskId ? await sim.task(s.taskId).catch(() => undefined) : undefined;
    if (task && states.includes(String(task.state))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`workflow ${handle.workflowId} never reached ${states.join('/')}`);
}

describe('generation workflows end to end', () => {
  it('runs every kind in callback mode and in poll-only mode, archiving exactly what Vidu served', async () => {
    const kinds: GenerationKind[] = ['img2video', 'reference2video', 'reference2image', 'image2dance'];
    const runs = kinds.flatMap((kind) =>
      (['callback', 'poll'] as const).map(async (waitMode) => {
        const input: GenerationInput = { request: requestFor(kind), options: { waitMode, poll: FAST_POLL } };
        const handle = await client.start(kind, input);
        const result = await handle.result();
        const status = await handle.status();
        const events = (await handle.workflow.fetchHistory()).events?.length ?? 0;
        return { kind, waitMode, handle, result, status, events };
      }),
    );
    const done = await Promise.all(runs);
    for (const { kind, waitMode, result, status, events } of done) {
      expect(result.kind).toBe(kind);
      expect(result.state).toBe('success');
      expect(status.waitMode).toBe(waitMode);
      expect(status.phase).toBe('done');
      await expectArchivedLikeSim(result);
      expect(await submissionsFor(result.taskId)).toBe(1);
      console.log(`[history] ${kind} ${waitMode}: ${events} events`);
    }
    const callbackRuns = done.filter((d) => d.waitMode === 'callback');
    expect(callbackRuns.every((d) => d.status.updates > 0)).toBe(true);
  });

  it('fails with a typed, non-retryable error carrying err_code when the Vidu task fails', async () => {
    await sim.setFaults({
      endpoints: { img2video: { taskFailure: { rate: 1, errCode: 'CreationPolicyViolation', count: 1 } } },
    });
    try {
      const handle = await client.start('img2video', {
        request: requestFor('img2video'),
        options: { waitMode: 'callback', poll: FAST_POLL },
      });
      const failure = (await failureOf(handle)) as ApplicationFailure;
      expect(failure.type).toBe('ViduTaskFailed');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.details?.[0]).toMatchObject({ errCode: 'CreationPolicyViolation' });
    } finally {
      await sim.setFaults({});
    }
  });

  it('cancels the Vidu task when the workflow is cancelled, and records the outcome', async () => {
    // Off-peak tasks wait hours in queueing, where Vidu allows a cancel.
    const handle = await client.start('img2video', {
      request: { ...requestFor('img2video'), off_peak: true },
      options: { waitMode: 'callback' },
    });
    await waitForState(handle, ['queueing']);
    const { taskId } = await handle.status();
    await handle.cancel();
    const failure = await failureOf(handle);
    expect(failure).toBeInstanceOf(CancelledFailure);
    const status = await handle.status();
    expect(status.cancellation?.outcome).toBe('cancelled');
    const task = await sim.task(taskId!);
    expect(JSON.stringify(task)).toContain('UserCancelled');
  });

  it('refuses bad input with a clear error before anything reaches Vidu', async () => {
    const before = await sim.createRequests();
    const long = 'x'.repeat(2001);
    const cases: Array<{ kind: GenerationKind; request: Record<string, unknown>; expect: RegExp }> = [
      {
        kind: 'img2video',
        request: { model: 'viduq2', images: [files['anim.gif']], prompt: 'p' },
        expect: /images\[0\].*gif/i,
      },
      {
        kind: 'reference2video',
        request: { model: 'viduq1', images: [files['tiny.png']], prompt: 'p' },
        expect: /images\[0\].*128/,
      },
      {
        kind: 'image2dance',
        request: { image_url: renderPngDataUri(5000, 5000), video_url: files['dance.mp4'] },
        expect: /image_url.*(4096|5 MB)/i,
      },
      {
        kind: 'img2video',
        request: { model: 'viduq2', images: [files['thin.png']], prompt: 'p' },
        expect: /images\[0\].*aspect ratio/i,
      },
      {
        kind: 'reference2video',
        request: { model: 'viduq1', images: Array(8).fill(files['portrait.png']), prompt: 'p' },
        expect: /images.*7/,
      },
      {
        kind: 'img2video',
        request: { model: 'viduq2', images: [files['landscape.png']], prompt: long },
        expect: /prompt.*2000/,
      },
      {
        kind: 'img2video',
        request: { model: 'viduq1', images: [files['landscape.png']], prompt: 'p', duration: 8 },
        expect: /duration.*viduq1/,
      },
      {
        kind: 'img2video',
        request: { model: 'viduq1', images: [files['landscape.png']], prompt: 'p', resolution: '720p' },
        expect: /resolution.*viduq1/,
      },
      {
        kind: 'image2dance',
        request: { image_url: files['portrait.png'], video_url: files['long.mp4'] },
        expect: /video_url.*30/,
      },
      {
        kind: 'img2video',
        request: { model: 'viduq2', images: [path.join(dir, 'missing.png')], prompt: 'p' },
        expect: /images\[0\].*not found/,
      },
      {
        kind: 'img2video',
        request: { model: 'viduq2', images: ['http://127.0.0.1:9/none.png'], prompt: 'p' },
        expect: /images\[0\].*could not download/,
      },
      // Outside VIDU_FLOW_INPUT_ROOTS: refused by rule, saying nothing about the file.
      {
        kind: 'img2video',
        request: { model: 'viduq2', images: ['/etc/passwd'], prompt: 'p' },
        expect:
          /^(?!.*root:)(?!.*not found).*images\[0\]: local paths are not read by the worker unless under VIDU_FLOW_INPUT_ROOTS/s,
      },
      // The metadata service is private and not in the stack's allow list (127.0.0.1): refused before connecting.
      {
        kind: 'img2video',
        request: { model: 'viduq2', images: ['http://169.254.169.254/latest/meta-data/x.png'], prompt: 'p' },
        expect: /images\[0\].*169\.254\.169\.254 is a link-local address.*VIDU_FLOW_ALLOW_PRIVATE_URLS/,
      },
      {
        kind: 'img2video',
        request: { model: 'vidu9', images: [files['landscape.png']], prompt: 'p' },
        expect: /model.*vidu9/,
      },
    ];
    for (const c of cases) {
      // Straight to Temporal, as a service in another language would: the stage activity refuses it.
      const handle = client.getHandle(
        (
          await client.temporal.workflow.start(c.kind, {
            taskQueue: client.taskQueue,
            workflowId: `bad-input-${c.kind}-${Math.random().toString(36).slice(2)}`,
            args: [{ request: c.request }],
          })
        ).workflowId,
      );
      const failure = (await failureOf(handle)) as ApplicationFailure;
      expect(failure.type, `${c.expect}`).toBe('InvalidRequest');
      expect(failure.message).toMatch(c.expect);
    }
    // The typed client refuses what it can check without reading media, before starting anything.
    await expect(
      client.start('img2video', { request: { model: 'viduq2', images: [files['landscape.png']], prompt: long } }),
    ).rejects.toBeInstanceOf(InvalidGenerationInput);
    expect(await sim.createRequests()).toBe(before);
  });

  it('survives a worker SIGKILL while waiting: completes after restart with exactly one submission', async () => {
    const handle = await client.start('img2video', {
      request: { ...requestFor('img2video'), off_peak: true },
      options: { waitMode: 'callback' },
    });
    await waitForState(handle, ['queueing']);
    await stack.stopWorker('SIGKILL');
    // Let the simulated off-peak window pass while no worker runs; the callbacks still reach Temporal.
    await sim.advance(8 * 3600);
    await stack.startWorker();
    const result = await handle.result();
    expect(result.state).toBe('success');
    await expectArchivedLikeSim(result);
    expect(await submissionsFor(result.taskId)).toBe(1);
    // A real crash is noticed when the activities in flight time out.
  }, 300_000);

  it('re-fetches result URLs that expired before the archive ran', async () => {
    const handle = await client.start('img2video', {
      request: { ...requestFor('img2video'), off_peak: true },
      options: { waitMode: 'callback' },
    });
    await waitForState(handle, ['queueing']);
    await stack.stopWorker('SIGTERM');
    await sim.advance(8 * 3600);
    // The success callback (with its one-hour URLs) is in history; now let those URLs expire.
    await waitForSignalled(handle, 'success');
    await sim.advance(2 * 3600);
    await stack.startWorker();
    const result = await handle.result();
    await expectArchivedLikeSim(result);
    const refetches = (await sim.requests()).filter(
      (r) => r.endpoint === 'creations' && String(r.path).includes(result.taskId),
    );
    expect(refetches.length).toBeGreaterThanOrEqual(1);
  });

  it('starts one generation for two starts with the same idempotency key', async () => {
    const input: GenerationInput = {
      request: requestFor('reference2image'),
      options: { waitMode: 'callback', poll: FAST_POLL },
    };
    const key = `order-${Date.now()}`;
    const [a, b] = await Promise.all([
      client.start('reference2image', input, { idempotencyKey: key }),
      client.start('reference2image', input, { idempotencyKey: key }),
    ]);
    expect(a.workflowId).toBe(b.workflowId);
    const result = await a.result();
    const again = await client.start('reference2image', input, { idempotencyKey: key });
    expect(again.workflowId).toBe(a.workflowId);
    expect((await again.result()).taskId).toBe(result.taskId);
    expect(await submissionsFor(result.taskId)).toBe(1);
  });

  it('finds the task instead of paying twice when the submit answer is lost', async () => {
    await sim.setFaults({ endpoints: { img2video: { dropResponse: { count: 1 } } } });
    try {
      const handle = await client.start('img2video', {
        request: requestFor('img2video'),
        options: { waitMode: 'callback', poll: FAST_POLL },
      });
      const result = await handle.result();
      expect(await submissionsFor(result.taskId)).toBe(1);
      const key = await clientRequestIdOf(result.taskId);
      const creates = (await sim.requests()).filter((r) => r.endpoint === 'img2video' && r.clientRequestId === key);
      expect(creates.length).toBe(1);
    } finally {
      await sim.setFaults({});
    }
  });
});

function renderPngDataUri(width: number, height: number): string {
  return `data:image/png;base64,${renderPng('big', { width, height }).toString('base64')}`;
}

/** Waits until the workflow history holds a taskUpdate signal whose body is in `state`. */
async function waitForSignalled(handle: GenerationHandle, state: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const history = await handle.workflow.fetchHistory();
    const signalled = (history.events ?? []).some((e) =>
      (e.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []).some((p) =>
        Buffer.from(p.data ?? new Uint8Array())
          .toString('utf8')
          .includes(`"state":"${state}"`),
      ),
    );
    if (signalled) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no ${state} signal reached ${handle.workflowId}`);
}
