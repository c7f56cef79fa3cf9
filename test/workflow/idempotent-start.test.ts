// One behaviour on a duplicate start for generations, AD films and batches (issue 17 §3,
// client/idempotent-start.ts), on the real dev server. The workflows go to a task queue no worker
// polls, so they sit there running (or closed, once terminated) and each start's answer is
// Temporal's alone: same run, new run, or refused before anything starts.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidGenerationInput, ViduFlowClient, type StartOptions } from '../../client';
import { connectToTestServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';

let temporal: TestConnections;
let client: ViduFlowClient;
const started = new Set<string>();

beforeAll(async () => {
  temporal = await connectToTestServer();
  const stagingDir = mkdtempSync(path.join(os.tmpdir(), 'vidu-flow-idempotent-start-'));
  client = await ViduFlowClient.connect({ client: temporal.client, taskQueue: uniqueTaskQueue('nobody-polls-idempotent-start'), stagingDir });
});

afterAll(async () => {
  await Promise.all([...started].map((id) => temporal.client.workflow.getHandle(id).terminate('test over').catch(() => undefined)));
  await temporal?.close();
});

// The three starts, each with an input that needs no staging (URLs only, or no media).
const STARTS: Array<[string, (opts: StartOptions) => Promise<{ workflow: WorkflowHandle }>]> = [
  ['start (a generation)', (opts) => client.start('reference2image', { request: { model: 'viduq2', prompt: 'a red cube', resolution: '1080p', aspect_ratio: '1:1' } }, opts)],
  ['startAdFilm', (opts) => client.startAdFilm({ request: { images: ['https://media.invalid/bottle.png'], prompt: 'cold brew', duration: 15 } }, opts)],
  ['startBatch', (opts) => client.startBatch(path.join(os.tmpdir(), 'never-read.jsonl'), opts)],
];

async function run(start: (opts: StartOptions) => Promise<{ workflow: WorkflowHandle }>, opts: StartOptions) {
  const handle = await start(opts);
  started.add(handle.workflow.workflowId);
  const desc = await handle.workflow.describe();
  return { handle, workflowId: handle.workflow.workflowId, runId: desc.runId, status: desc.status.name };
}

/** The run a handle is bound to, if any (a handle from workflow.start carries firstExecutionRunId). */
const boundRun = (h: WorkflowHandle): string | undefined => (h as { runId?: string; firstExecutionRunId?: string }).runId ?? (h as { firstExecutionRunId?: string }).firstExecutionRunId;

describe.each(STARTS)('%s on a duplicate', (_name, start) => {
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
