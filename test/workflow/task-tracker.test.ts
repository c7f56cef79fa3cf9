// TaskTracker inside a real workflow on the real dev server, with fake Vidu answers: callbacks
// are wake-ups. Replayed nonces and strangers are counted, early updates wait for their task, a
// terminal state costs one Get Generation (hints arriving meanwhile share the next one), an
// unknown state means "keep waiting", and nothing is asked once the task is confirmed over.
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToTestServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';
import * as activities from './fixtures/tracker-activities';
import { finishSignal, probeQuery, submittedSignal, trackerProbe } from './fixtures/tracker-workflows';

const TASK = '911045603801182208';
let temporal: TestConnections;

beforeAll(async () => {
  temporal = await connectToTestServer();
});

afterAll(async () => {
  await temporal?.close();
});

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('TaskTracker', () => {
  it('treats callbacks as wake-ups and confirms terminal states with as few Get Generations as possible', async () => {
    const taskQueue = uniqueTaskQueue('tracker');
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: path.join(__dirname, 'fixtures', 'tracker-workflows.ts'),
      activities,
    });
    const { vidu } = activities;
    const result = await worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start(trackerProbe, {
        taskQueue,
        workflowId: `tracker-${taskQueue}`,
      });
      const probe = () => handle.query(probeQuery);
      const update = (u: Record<string, unknown>) => handle.signal('taskUpdate', u);
      const released = async (body: { state: string; progress?: number }, calls: number) => {
        await until(
          async () => ({ calls: vidu.calls, waiting: vidu.release !== undefined }),
          (v) => v.waiting && v.calls === calls,
          `Get Generation #${calls}`,
        );
        vidu.release!(body);
      };

      // The workflow must be running (expecting its task) before the early updates arrive: sent
      // sooner, they sit buffered until its handler exists, which TaskTracker registers before
      // expectNewTask runs, so they would count as strangers (a CI run saw that).
      await until(
        () => probe().catch(() => undefined),
        (s) => s !== undefined,
        'the workflow to run its first task',
      );
      // Before the submit result: kept (their task may be ours), a repeat is a replay.
      await update({ taskId: TASK, state: 'processing', progress: 30, nonce: 'n1' });
      await update({ taskId: TASK, state: 'processing', progress: 30, nonce: 'n1' });
      await update({ taskId: '900000000000000001', state: 'success', progress: 100, nonce: 'n2' });
      await update({ state: 'success', progress: 100, taskId: '../victim' }); // breaks the rules
      await handle.signal(submittedSignal, TASK);
      let p = await until(probe, (s) => s.snapshot?.state === 'processing', 'the early update to apply');
      expect(p.snapshot).toMatchObject({ progress: 30, credits: 7 });
      expect(p.counters).toMatchObject({ replayedNonces: 1, ignoredUpdates: 2, confirmations: 0 });

      // A terminal hint: one Get Generation. Three more arrive while it is in flight (one a replay).
      await update({ taskId: TASK, state: 'success', progress: 100, nonce: 'n3' });
      await until(
        async () => vidu.calls,
        (n) => n === 1,
        'the confirmation to start',
      );
      await update({ taskId: TASK, state: 'failed', progress: 0, nonce: 'n4' });
      await update({ state: 'success', progress: 100, nonce: 'n5' }); // no id: the one open task
      await update({ taskId: TASK, state: 'success', progress: 100, nonce: 'n3' });
      // Vidu: still running. The confirmation is a local activity, so the workflow task that runs
      // it stays open and the hints that came meanwhile reach the workflow after it; they share
      // ONE more look, which finds a state nobody documented: counted, read as not finished.
      await released({ state: 'processing', progress: 60 }, 1);
      await until(probe, (s) => s.updates === 8, 'the hints to arrive');
      await released({ state: 'rendering_v2', progress: 70 }, 2);
      p = await until(probe, (s) => s.counters.unknownStates === 1, 'the unknown state to be counted');
      expect(p.snapshot).toMatchObject({ state: 'processing', progress: 60 });
      expect(p.counters).toMatchObject({ confirmations: 2, replayedNonces: 2, lastUnknownState: 'rendering_v2' });

      // Progress shows at once; an unknown state in a callback changes nothing.
      await update({ taskId: TASK, state: 'processing', progress: 90, nonce: 'n6' });
      await update({ taskId: TASK, state: 'paused', progress: 10, nonce: 'n7' });
      p = await until(probe, (s) => s.counters.unknownStates === 2, 'the second unknown state');
      expect(p.snapshot).toMatchObject({ state: 'processing', progress: 90 });

      // The real end: confirmed, with Vidu's credits and creations; later hints cost nothing.
      await update({ taskId: TASK, state: 'success', progress: 100, nonce: 'n8' });
      await released({ state: 'success', progress: 100 }, 3);
      await until(probe, (s) => s.snapshot?.state === 'success', 'the confirmed success');
      await update({ taskId: TASK, state: 'success', progress: 100, nonce: 'n9' });
      await until(probe, (s) => s.updates === 12, 'the late hint');
      await handle.signal(finishSignal);
      return handle.result();
    });
    console.log(`[tracker] Get Generation calls ${vidu.calls}; counters ${JSON.stringify(result.counters)}`);
    expect(vidu.calls).toBe(3);
    expect(result.counters).toEqual({
      ignoredUpdates: 2,
      replayedNonces: 2,
      unknownStates: 2,
      lastUnknownState: 'paused',
      confirmations: 3,
    });
    expect(result.snapshot).toMatchObject({ state: 'success', credits: 9, creations: [{ id: 'c1' }], source: 'poll' });
  });

  // Issue 18 §5 cancelled the fallback poll with TRY_CANCEL; that command wedged a replayed film
  // for good (workflows/generation/task-tracker.ts says how), so new runs abandon it again: no
  // cancel command reaches the history, whatever the describe lists until the poll's next heartbeat.
  it('abandons the fallback poll once the task is over: no cancel command in the history', async () => {
    const taskQueue = uniqueTaskQueue('tracker-pending');
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: path.join(__dirname, 'fixtures', 'tracker-workflows.ts'),
      activities,
    });
    const { vidu } = activities;
    const handle = await worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start(trackerProbe, {
        taskQueue,
        workflowId: `tracker-${taskQueue}`,
        args: [3600],
      });
      await until(
        () => handle.query(probeQuery).catch(() => undefined),
        (s) => s !== undefined,
        'the first task',
      );
      const calls = vidu.calls;
      await handle.signal(submittedSignal, TASK);
      // The poll's first attempt ends at once (callbacks expected); it then waits 600 s to retry.
      await until(
        async () => (await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0,
        (a) => a >= 2,
        'the poll to wait for its retry',
      );
      await handle.signal('taskUpdate', { taskId: TASK, state: 'success', progress: 100, nonce: 'p1' });
      await until(
        async () => vidu.release !== undefined && vidu.calls === calls + 1,
        (v) => v,
        'the confirmation',
      );
      vidu.release!({ state: 'success', progress: 100 });
      await until(
        () => handle.query(probeQuery),
        (s) => s.snapshot?.state === 'success',
        'the confirmed success',
      );
      await handle.signal(finishSignal);
      await handle.result();
      return handle;
    });
    const described = await handle.describe();
    const events = (await handle.fetchHistory()).events ?? [];
    const named = (attributes: 'markerRecorded' | 'activityTaskCancelRequested' | 'activityTaskCanceled') =>
      events.filter((e) => e[`${attributes}EventAttributes`]).length;
    console.log(
      `[tracker] finished run: ${events.length} events; poll cancel cost: ${events.filter((ev) => ev.markerRecordedEventAttributes?.markerName === 'core_patch').length} patch marker, ` +
        `${named('activityTaskCancelRequested')} cancel requested, ${named('activityTaskCanceled')} canceled; pending ${described.raw.pendingActivities?.length ?? 0}`,
    );
    expect(described.status.name).toBe('COMPLETED');
    expect(named('activityTaskCancelRequested')).toBe(0);
    expect(named('activityTaskCanceled')).toBe(0);
    const patches = events
      .map((ev) => ev.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_patch')
      // The patch id sits in the marker's payload bytes.
      .map((m) =>
        Object.values(m?.details ?? {})
          .flatMap((p) => p.payloads ?? [])
          .map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'))
          .join(' '),
      );
    expect(patches.some((d) => d.includes('fallback-poll-abandon'))).toBe(true);
    expect(patches.some((d) => d.includes('fallback-poll-try-cancel'))).toBe(false);
  });
});
