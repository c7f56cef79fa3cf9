// Every start carries Temporal's task-queue Priority and Fairness (issue 19 §4, core/fair-share.ts):
// the client's starts (what the HTTP API and the CLI use) and a schedule's action, as the server
// records them (describe). Deferred starts on the dev server: no worker, nothing runs.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViduFlowClient } from '../../client';
import { compileSchedule } from '../../client/schedules';
import { ViduCaller } from '../../core/search-attributes';
import { connectToTestServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';

let temporal: TestConnections;
let client: ViduFlowClient;
const taskQueue = uniqueTaskQueue('start-priority');

beforeAll(async () => {
  temporal = await connectToTestServer();
  client = await ViduFlowClient.connect({
    client: temporal.client,
    taskQueue,
    stagingDir: mkdtempSync(path.join(os.tmpdir(), 'vf-priority-')),
  });
});

afterAll(async () => {
  await temporal?.close();
});

const later = () => new Date(Date.now() + 3600_000);
const video = { model: 'viduq2', images: ['https://cdn.example/a.png'], prompt: 'the camera pushes in', duration: 5 };

describe('task-queue priority and fairness on every start', () => {
  it("a key's interactive generation: priorityKey 1, fairness key key-<id>, its weight", async () => {
    const handle = await client.start(
      'img2video',
      { request: video },
      { notBefore: later(), searchAttributes: [{ key: ViduCaller, value: 'alice' }], fairnessWeight: 2 },
    );
    const d = await handle.workflow.describe();
    console.log(`[fair-share] generation start: ${JSON.stringify(d.priority)}`);
    expect(d.priority).toMatchObject({ priorityKey: 1, fairnessKey: 'key-alice', fairnessWeight: 2 });
    await handle.workflow.terminate('test over');
  });

  it("the operator's batch-class generation and batch: priorityKey 3, fairness key operator", async () => {
    const gen = await client.start(
      'img2video',
      { request: video, options: { priority: 'batch' } },
      { notBefore: later() },
    );
    expect((await gen.workflow.describe()).priority).toMatchObject({ priorityKey: 3, fairnessKey: 'operator' });
    await gen.workflow.terminate('test over');
    const batch = await client.startBatch(path.join(os.tmpdir(), 'no-such-lines.jsonl'), {
      notBefore: later(),
      searchAttributes: [{ key: ViduCaller, value: 'bob' }],
    });
    expect((await batch.workflow.describe()).priority).toMatchObject({ priorityKey: 3, fairnessKey: 'key-bob' });
    await batch.workflow.terminate('test over');
  });

  it("a schedule's action carries the batch class for the operator", () => {
    const compiled = compileSchedule(
      { scheduleId: 'nightly', spec: { at: '01:00' }, action: { kind: 'img2video', input: { request: video } } },
      taskQueue,
    );
    expect((compiled.action as { priority?: unknown }).priority).toEqual({ priorityKey: 3, fairnessKey: 'operator' });
  });
});
