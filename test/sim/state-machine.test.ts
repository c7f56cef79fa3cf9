import { afterEach, describe, expect, it } from 'vitest';
import { CreationsResponse } from '../../vidu/schemas';
import type { RunningSim } from '../../sim';
import { admin, api, createTask, startTestSim, waitFor } from './helpers';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const history = async (s: RunningSim, id: string) =>
  (await admin.get(s, `tasks/${id}`)).body.history as Array<{ state: string; at: string }>;

describe('state machine under the time scale', () => {
  it('runs created → queueing → processing → success with progress rising, on its own', async () => {
    // 40 simulated seconds per real second: queueing after 25 ms, 30 s of processing in 750 ms.
    sim = await startTestSim({ timeScale: 40, tickMs: 10 });
    const s = sim;
    const created = await createTask(s);
    expect(created.state).toBe('created');

    const seen: Array<{ state: string; progress: number }> = [];
    const final = await waitFor(
      'success',
      async () => {
        const g = await api.get(s, `tasks/${created.task_id}/creations`);
        const body = CreationsResponse.parse(g.body);
        seen.push({ state: body.state, progress: body.progress ?? -1 });
        return body.state === 'success' ? body : undefined;
      },
      10_000,
      20,
    );
    expect(final.progress).toBe(100);
    expect(final.creations).toHaveLength(1);

    const processing = seen.filter((x) => x.state === 'processing').map((x) => x.progress);
    expect(processing.length).toBeGreaterThan(3);
    expect(processing).toEqual([...processing].sort((a, b) => a - b));
    expect(processing.at(-1)!).toBeGreaterThan(processing[0]!);
    expect(Math.max(...processing)).toBeLessThan(100);

    const states = (await history(s, created.task_id)).map((h) => h.state);
    expect(states).toEqual(['created', 'queueing', 'processing', 'success']);
    // The transitions are stamped with their simulated due times: 1 s queue, 30 s processing.
    const h = await history(s, created.task_id);
    const t = (i: number) => Date.parse(h[i]!.at);
    expect(t(1) - t(0)).toBeCloseTo(1000, -1);
    expect(t(3) - t(2)).toBeCloseTo(30_000, -1);
  });

  it('sleeps while no task is active, and a task created after an idle spell keeps its due times', async () => {
    sim = await startTestSim({ timeScale: 40, tickMs: 10 });
    const s = sim;
    // White-box: the engine's interval exists only while a task is active (sim/engine.ts, wake/sleep).
    const ticking = () => (s.context.engine as unknown as { timer?: unknown }).timer !== undefined;
    expect(ticking()).toBe(false);
    // 300 ms idle = 12 simulated seconds in which the engine did not tick.
    await new Promise((r) => setTimeout(r, 300));
    const created = await createTask(s);
    expect(ticking()).toBe(true);
    await waitFor(
      'success',
      async () =>
        (await api.get(s, `tasks/${created.task_id}/creations`)).body.state === 'success' ? true : undefined,
      10_000,
      20,
    );
    const h = await history(s, created.task_id);
    const t = (i: number) => Date.parse(h[i]!.at);
    expect(h.map((x) => x.state)).toEqual(['created', 'queueing', 'processing', 'success']);
    // Stamped from the task's creation, not from the engine's last tick before it slept.
    expect(t(1) - t(0)).toBeCloseTo(1000, -1);
    expect(t(2)).toBeGreaterThanOrEqual(t(1));
    expect(t(3) - t(2)).toBeCloseTo(30_000, -1);
    // Nothing active again: asleep again.
    expect(ticking()).toBe(false);
  });

  it('manual clock advances drive the same machine when time is frozen', async () => {
    sim = await startTestSim({ timeScale: 0 });
    const task = await createTask(sim);
    await admin.advance(sim, 0.5);
    expect((await api.get(sim, `tasks/${task.task_id}/creations`)).body.state).toBe('created');
    await admin.advance(sim, 0.5);
    expect((await api.get(sim, `tasks/${task.task_id}/creations`)).body).toMatchObject({
      state: 'processing',
      progress: 0,
    });
    await admin.advance(sim, 15);
    expect((await api.get(sim, `tasks/${task.task_id}/creations`)).body).toMatchObject({
      state: 'processing',
      progress: 50,
    });
    await admin.advance(sim, 15);
    expect((await api.get(sim, `tasks/${task.task_id}/creations`)).body).toMatchObject({
      state: 'success',
      progress: 100,
    });
    const clock = (await admin.get(sim, 'clock')).body;
    expect(clock.advancedSeconds).toBe(31);
  });
});

describe('concurrency cap', () => {
  it('runs at most 5 at once and starts queued tasks in creation order', async () => {
    sim = await startTestSim({ timeScale: 0 });
    const s = sim;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await createTask(s)).task_id);

    await admin.advance(s, 1);
    let stats = (await admin.get(s, 'stats')).body;
    expect(stats.running).toBe(5);
    expect(stats.tasksByState).toMatchObject({ processing: 5, queueing: 3 });
    const credits = (await api.get(s, 'credits')).body.remains[0];
    expect(credits).toMatchObject({ concurrency_limit: 5, current_concurrency: 5, queue_count: 3 });

    // One jump across both waves: the engine still replays them in order.
    await admin.advance(s, 120);
    stats = (await admin.get(s, 'stats')).body;
    expect(stats.maxRunningAtOnce).toBe(5);
    expect(stats.tasksByState.success).toBe(8);

    const starts = await Promise.all(
      ids.map(async (id) => (await history(s, id)).find((h) => h.state === 'processing')!.at),
    );
    const startOrder = ids
      .map((id, i) => ({ id, at: starts[i]! }))
      .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    expect(startOrder.map((x) => x.id)).toEqual(ids);
    // The second wave started when the first finished, 30 s after it began.
    expect(Date.parse(starts[5]!) - Date.parse(starts[0]!)).toBe(30_000);
  });

  it('keeps the cap under a high time scale too', async () => {
    // 60×: each task processes for 500 ms real, long enough for all 8 to be in at once.
    sim = await startTestSim({ timeScale: 60, tickMs: 10 });
    const s = sim;
    const ids = await Promise.all(Array.from({ length: 8 }, async () => (await createTask(s)).task_id));
    await waitFor('all done', async () => (await admin.get(s, 'stats')).body.tasksByState.success === 8, 10_000, 25);
    const stats = (await admin.get(s, 'stats')).body;
    expect(stats.maxRunningAtOnce).toBe(5);
    const created = await Promise.all(ids.map(async (id) => (await admin.get(s, `tasks/${id}`)).body));
    const byCreation = [...created].sort((a, b) => a.createdAt - b.createdAt).map((t) => t.id);
    const byStart = [...created]
      .sort((a, b) => a.startedAt - b.startedAt || a.createdAt - b.createdAt)
      .map((t) => t.id);
    expect(byStart).toEqual(byCreation);
  });
});
