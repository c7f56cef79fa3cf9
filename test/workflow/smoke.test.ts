// Smoke test of the test setup itself: a real Worker (workflows bundled by webpack from
// workflowsPath) runs a real workflow on the run's Temporal dev server.

import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViduCredits, ViduKind, ViduOffPeak, ViduState } from '../../core/search-attributes';
import { connectToTestServer, temporalServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';
import * as activities from './fixtures/smoke-activities';
import { smokeWorkflow } from './fixtures/smoke-workflows';

describe('Temporal dev server smoke test', () => {
  let temporal: TestConnections;

  beforeAll(async () => {
    temporal = await connectToTestServer();
  });

  afterAll(async () => {
    await temporal?.close();
  });

  it('exposes the server to tests (inject) and to processes they spawn (env)', () => {
    const { address, namespace } = temporalServer();
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(process.env.TEMPORAL_ADDRESS).toBe(address);
    expect(process.env.TEMPORAL_NAMESPACE).toBe(namespace);
  });

  it('runs a workflow that calls an activity and upserts Vidu search attributes', async () => {
    const taskQueue = uniqueTaskQueue('smoke');
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: path.join(__dirname, 'fixtures', 'smoke-workflows.ts'),
      activities,
    });

    const workflowId = `smoke-${taskQueue}`;
    const { result, description } = await worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start(smokeWorkflow, {
        taskQueue,
        workflowId,
        args: ['Vidu'],
        typedSearchAttributes: [{ key: ViduKind, value: 'img2video' }],
      });
      const result = await handle.result();
      return { result, description: await handle.describe() };
    });

    expect(result).toBe('Hello, Vidu! (greet, attempt 1)');
    expect(description.status.name).toBe('COMPLETED');
    const attrs = description.typedSearchAttributes;
    expect(attrs.get(ViduKind)).toBe('img2video');
    expect(attrs.get(ViduState)).toBe('success');
    expect(attrs.get(ViduCredits)).toBe(4);
    expect(attrs.get(ViduOffPeak)).toBe(true);

    // Registered attributes are also queryable through visibility (eventually consistent).
    await expect
      .poll(
        () =>
          temporal.client.workflow
            .count(`WorkflowId = '${workflowId}' AND ViduState = 'success' AND ViduCredits = 4 AND ViduOffPeak = true`)
            .then((c) => c.count),
        { timeout: 15_000, interval: 250 },
      )
      .toBe(1);
  });
});
