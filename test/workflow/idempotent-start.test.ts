// One behaviour on a duplicate start for generations, AD films and batches (issue 17 §3,
// client/idempotent-start.ts), on the real dev server. Most workflows go to a task queue no worker
// polls, so they sit there running (or closed, once terminated) and each start's answer is
// Temporal's alone: same run, new run, or refused before anything starts. The completed case runs
// the real workflow code with a fake Vidu (fixtures/child-id-activities.ts).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidGenerationInput, ViduFlowClient, type StartOptions } from '../../client';
import { startWorkflowWorker } from '../helpers/workflow-worker';
import { connectToTestServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';
import * as activities from './fixtures/child-id-activities';

let temporal: TestConnections;
/** Starts on a task queue no worker polls. */
let client: ViduFlowClient;
/** Starts on the queue of a worker with the real workflows and a fake Vidu: they complete. */
let completing: ViduFlowClient;
let worker: Worker;
let running: Promise<void>;
const started = new Set<string>();

beforeAll(async () => {
  temporal = await connectToTestServer();
  const stagingDir = mkdtempSync(path.join(os.tmpdir(), 'vidu-flow-idempotent-start-'));
  client = await ViduFlowClient.connect({
    client: temporal.client,
    taskQueue: uniqueTaskQueue('nobody-polls-idempotent-start'),
    stagingDir,
  });
  const taskQueue = uniqueTaskQueue('idempotent-start');
  completing = await ViduFlowClient.connect({ client: temporal.client, taskQueue, stagingDir });
  ({ worker, running } = await startWorkflowWorker(temporal, { taskQueue, activities }));
});

afterAll(async () => {
  await Promise.all(
    [...started].map((id) =>
      temporal.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  worker?.shutdown();
  await running;
  await temporal?.close();
});

type Starter = (c: ViduFlowClient, opts: StartOptions) => Promise<{ workflow: WorkflowHandle }>;

// The three starts, each with an input that needs no staging (URLs only, or no media) and no archive.
const STARTERS: Array<[string, Starter]> = [
  [
    'start (a generation)',
    (c, opts) =>
      c.start(
        'reference2image',
        {
          request: { model: 'viduq2', prompt: 'a red cube', resolution: '1080p', aspect_ratio: '1:1' },
          options: { archive: false },
        },
        opts,
      ),
  ],
  [
    'startAdFilm',
    (c, opts) =>
      c.startAdFilm(
        {
          request: { images: ['https://media.invalid/bottle.png'], prompt: 'cold brew', duration: 15 },
          options: { archive: false },
        },
        opts,
      ),
  ],
  [
    'startBatch',
    (c, opts) => c.startBatch(path.join(os.tmpdir(), 'never-read.jsonl'), { ...opts, options: { archive: false } }),
  ],
];
const STARTS = STARTERS.map(
  ([name, starter]) =>
    [name, (opts: StartOptions) => starter(client, opts), (opts: StartOptions) => starter(completing, opts)] as const,
);

async function run(start: (opts: StartOptions) => Promise<{ workflow: WorkflowHandle }>, opts: StartOptions) {
  const handle = await start(opts);
  started.add(handle.workflow.workflowId);
  const desc = await handle.workflow.describe();
  return { handle, workflowId: handle.workflow.workflowId, runId: desc.runId, status: desc.status.name };
}

/** The run a handle is bound to, if any (a handle from workflow.start carries firstExecutionRunId). */
const boundRun = (h: WorkflowHandle): string | undefined =>
  (h as { runId?: string; firstExecutionRunId?: string }).runId ??
  (h as { firstExecutionRunId?: string }).firstExecutionRunId;

describe.each(STARTS)('%s on a duplicate', (_name, start, startCompleting) => {
  it('with a key: two starts at once are one run, and a closed run is never run again', async () => {
    const idempotencyKey = `dup-${Math.random().toString(36).slice(2)}`;
    const [a, b] = await Promise.all([run(start, { idempotencyKey }), run(start, { idempotencyKey })]);
    expect(b.workflowId).toBe(a.workflowId);
    expect(b.runId).toBe(a.runId);
    // Every answer follows the workflow id, none is bound to a run (a batch continues-as-new).
    for (const { handle } of [a, b]) expect(boundRun(handle.workflow)).toBeUndefined();

    await a.handle.workflow.terminate('closed for the test');
    const again = await run(start, { idempotencyKey });
    expect(again).toMatchObject({ workflowId: a.workflowId, runId: a.runId, status: 'TERMINATED' });
  });

  it('with an explicit id and no key: the running run is the answer; after a failure a new run starts', async () => {
    const first = await run(start, {});
    const workflowId = first.workflowId;
    const same = await run(start, { workflowId });
    expect(same).toMatchObject({ workflowId, runId: first.runId, status: 'RUNNING' });

    await first.handle.workflow.terminate('closed for the test');
    const next = await run(start, { workflowId });
    expect(next.workflowId).toBe(workflowId);
    expect(next.runId).not.toBe(first.runId);
    expect(next.status).toBe('RUNNING');
  });

  it('a completed run is the answer, under its key and under its explicit id: nothing runs twice', async () => {
    const idempotencyKey = `done-${Math.random().toString(36).slice(2)}`;
    const keyed = await run(startCompleting, { idempotencyKey });
    await keyed.handle.workflow.result();
    const explicit = await run(startCompleting, {});
    await explicit.handle.workflow.result();
    for (const [first, opts] of [
      [keyed, { idempotencyKey }],
      [explicit, { workflowId: explicit.workflowId }],
    ] as const) {
      const again = await run(startCompleting, opts);
      expect(again).toMatchObject({ workflowId: first.workflowId, runId: first.runId, status: 'COMPLETED' });
    }
  });

  it('refuses an id that cannot be a folder the same way, before anything starts', async () => {
    const workflowId = `x/../victim-${Math.random().toString(36).slice(2)}`;
    const err = await start({ workflowId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidGenerationInput);
    expect((err as InvalidGenerationInput).issues.join('\n')).toMatch(/^workflowId: /);
    const described = await temporal.client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => 'exists',
        () => 'not found',
      );
    expect(described).toBe('not found');
  });
});
