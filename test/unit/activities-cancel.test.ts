// activities/cancel.ts against the simulator in-process: what the cancel activity records from
// Vidu's real answers. The workflow's side of each outcome runs under time skipping
// (test/workflow/generation.test.ts, test/workflow/one-truth.test.ts); these cases were end-to-end
// assertions in test/e2e/off-peak.test.ts ("off-peak on a frozen clock"), which needed no process.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCancelTask } from '../../activities/cancel';
import type { RunningSim } from '../../sim';
import { ViduClient } from '../../vidu/client';
import { API_KEY, admin, api, createTask, startTestSim } from '../sim/helpers';

let sim: RunningSim;
let cancelTask: ReturnType<typeof makeCancelTask>;

beforeEach(async () => {
  sim = await startTestSim();
  cancelTask = makeCancelTask({ vidu: new ViduClient({ baseUrl: sim.url, apiKey: API_KEY }) });
});
afterEach(() => sim.close());

const state = async (id: string): Promise<string> => (await api.get(sim, `tasks/${id}/creations`)).body.state;

describe('cancelTask against the simulator', () => {
  it('an off-peak task queueing: cancelled, and Vidu shows it failed UserCancelled at 0 credits', async () => {
    const t = await createTask(sim, { off_peak: true });
    expect(t.credits).toBeGreaterThan(0);
    await admin.advance(sim, 2);
    expect(await state(t.task_id)).toBe('queueing');
    const outcome = await cancelTask({ taskId: t.task_id, readAfter: true });
    expect(outcome).toMatchObject({
      outcome: 'cancelled',
      after: { state: 'failed', errCode: 'UserCancelled', credits: 0 },
    });
    // The workflow counts the drop from t.credits to 0 as refunded (core/task-snapshot.ts, one-truth.test.ts).
    expect((await admin.get(sim, 'stats')).body.creditsRefunded).toBe(t.credits);
  });

  it('an off-peak task scheduled: refused, the message naming the state; the task runs on', async () => {
    await admin.post(sim, 'faults', { endpoints: { img2video: { offPeakDelaySeconds: 10 } } });
    // Five normal tasks hold the simulator's slots, so the due off-peak task stays scheduled.
    for (let i = 0; i < 5; i++) await createTask(sim);
    const t = await createTask(sim, { off_peak: true });
    await admin.advance(sim, 11);
    expect(await state(t.task_id)).toBe('scheduled');
    const outcome = await cancelTask({ taskId: t.task_id });
    expect(outcome.outcome).toBe('refused');
    expect(outcome.message).toContain('scheduled');
    expect(await state(t.task_id)).toBe('scheduled');
  });
});
