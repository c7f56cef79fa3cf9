// Off-peak jobs, end to end, on the real dev server with the simulator's clock: Vidu's 48-hour
// window is compressed (14400× speed, or a frozen clock moved by hand), and the workflow's own
// poll schedule and deadline are scaled down through options.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../sim/media/render';
import { OFF_PEAK_POLL_ONLY_SCHEDULE, pollsWithin } from '../../core/poll-schedule';
import type { GenerationInput } from '../../core/generation-types';
import { ViduCredits, ViduState } from '../../core/search-attributes';
import { failureOf, startE2eEnv, until, type E2eEnv } from '../helpers/e2e';

const HOUR = 3600;
let dir: string;
let image: string;

async function env(name: string, simEnv: Record<string, string>): Promise<E2eEnv> {
  return startE2eEnv(name, dir, {
    simEnv: { VIDU_SIM_URL_TTL_SECONDS: String(700 * HOUR), ...simEnv },
    // No cap here: these tests are about Vidu's timeline, not admission.
    workerEnv: { VIDU_MAX_IN_FLIGHT: '0' },
  });
}

function offPeak(kind: 'img2video' | 'reference2video', options: GenerationInput['options'] = {}): GenerationInput {
  const request =
    kind === 'img2video'
      ? { model: 'viduq2', images: [image], prompt: 'night batch', duration: 5, off_peak: true }
      : { model: 'viduq1', images: [image], prompt: 'night batch', off_peak: true };
  return { request, options: { waitMode: 'callback', ...options } };
}

/** Waits until `check` holds. */
function waitFor(check: () => Promise<boolean>, what: string): Promise<boolean> {
  return until(check, (ok) => ok, what, 30_000);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-offpeak-'));
  image = path.join(dir, 'still.png');
  await writeFile(image, renderPng('offpeak', { width: 320, height: 180 }));
});

afterAll(async () => {
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

describe('off-peak at 14400× speed (48 simulated hours in 12 s)', () => {
  let e: E2eEnv;
  beforeAll(async () => {
    e = await env('offpeak-fast', { VIDU_SIM_TIME_SCALE: '14400', VIDU_SIM_OFF_PEAK_DELAY_SECONDS: String(46 * HOUR) });
  });
  afterAll(async () => {
    await e?.stack.stop();
  });

  it('waits out a job that Vidu runs 46 hours late, polling only a few dozen times', async () => {
    // The off-peak poll-only schedule, with every delay divided by the clock's 14400.
    const scale = 14400;
    const poll = {
      initialSeconds: Math.max(0.1, OFF_PEAK_POLL_ONLY_SCHEDULE.initialSeconds / scale),
      factor: OFF_PEAK_POLL_ONLY_SCHEDULE.factor,
      maxSeconds: OFF_PEAK_POLL_ONLY_SCHEDULE.maxSeconds / scale,
    };
    const handle = await e.client.start('img2video', offPeak('img2video', { waitMode: 'poll', poll }));
    const result = await handle.result();
    expect(result.state).toBe('success');
    expect(result.archive?.files.length).toBeGreaterThan(0);
    const requests = (await e.sim.requests()).filter(
      (r) => String(r.path).includes(result.taskId) || r.taskId === result.taskId,
    );
    const polls = requests.filter((r) => r.endpoint === 'creations').length;
    console.log(
      `[off-peak] ${requests.length} Vidu requests for a 46-hour job (${polls} polls); the unscaled schedule allows ${pollsWithin(OFF_PEAK_POLL_ONLY_SCHEDULE, 48 * HOUR)} in 48 h`,
    );
    expect(polls).toBeGreaterThan(3);
    expect(polls).toBeLessThanOrEqual(40);
  });
});

describe('off-peak on a frozen clock', () => {
  let e: E2eEnv;
  beforeAll(async () => {
    // One slot, and a normal task that holds it for 20 simulated hours, so an off-peak task that
    // becomes due stays `scheduled` (not cancellable) until the slot frees.
    e = await env('offpeak-frozen', {
      VIDU_SIM_TIME_SCALE: '0',
      VIDU_SIM_MAX_CONCURRENCY: '1',
      VIDU_SIM_PROCESSING_SECONDS: String(20 * HOUR),
    });
  });
  afterAll(async () => {
    await e?.stack.stop();
  });

  it('expires at its own deadline: asks Vidu, cancels the task, fails with OffPeakExpired', async () => {
    const handle = await e.client.start('img2video', offPeak('img2video', { timeoutSeconds: 5 }));
    const f = (await failureOf(handle)) as ApplicationFailure;
    expect(f.type).toBe('OffPeakExpired');
    const { taskId } = await handle.status();
    expect(JSON.stringify(await e.sim.task(taskId!))).toContain('UserCancelled');
  });

  it('cancels while queueing (Vidu allows it) and while scheduled (Vidu refuses; the paid result is still archived)', async () => {
    const queued = await e.client.start('img2video', offPeak('img2video'));
    // Asked of Vidu (the simulator): the receiver does not forward `queueing` by default.
    const atVidu = async (h: typeof queued) => {
      const { taskId } = await h.status();
      return taskId ? String((await e.sim.task(taskId)).state) : undefined;
    };
    await waitFor(
      async () => (await atVidu(queued)) === 'queueing' || (await e.sim.advance(2)) === undefined,
      'queueing',
    );
    await queued.cancel();
    expect(await failureOf(queued)).toBeInstanceOf(CancelledFailure);
    // One truth (issue 22): Vidu's state after the cancel, and its refund, in status and ViduCredits.
    expect(await queued.status()).toMatchObject({
      phase: 'cancelled',
      state: 'failed',
      errCode: 'UserCancelled',
      credits: 0,
      cancellation: { outcome: 'cancelled' },
    });
    expect((await queued.status()).creditsRefunded).toBeGreaterThan(0);
    const attrs = (await queued.workflow.describe()).typedSearchAttributes;
    expect([attrs.get(ViduState), attrs.get(ViduCredits)]).toEqual(['cancelled', 0]);

    // Occupy the only slot, then let an off-peak task become due: it waits `scheduled`.
    const blocker = await e.client.start('img2video', {
      request: { model: 'viduq2', images: [image], prompt: 'blocker', duration: 5 },
      options: { waitMode: 'callback' },
    });
    await waitFor(async () => {
      await e.sim.advance(2);
      return (await blocker.status()).state === 'processing';
    }, 'the blocker to process');
    const scheduled = await e.client.start('img2video', offPeak('img2video'));
    await waitFor(async () => (await scheduled.status()).taskId !== undefined, 'submission');
    await e.sim.advance(7 * HOUR);
    await waitFor(async () => (await scheduled.status()).state === 'scheduled', 'scheduled');
    await scheduled.cancel();
    await waitFor(async () => (await scheduled.status()).cancellation?.outcome === 'refused', 'the refusal');
    expect((await scheduled.status()).cancellation?.message).toContain('scheduled');
    // The blocker ends at 20 h; the off-peak task then runs (20 h more, inside its 48-hour window) and is archived.
    await e.sim.advance(15 * HOUR);
    await e.sim.advance(25 * HOUR);
    const result = await scheduled.result();
    expect(result.cancellation?.outcome).toBe('refused');
    expect(result.archive?.files.length).toBeGreaterThan(0);
    expect((await blocker.result()).state).toBe('success');
  });

  it('reports a task Vidu cancelled and refunded at the end of its window as OffPeakRefunded', async () => {
    await e.sim.setFaults({ endpoints: { reference2video: { offPeakDelaySeconds: 60 * HOUR } } });
    try {
      const before = (await e.sim.stats()).creditsRefunded;
      const handle = await e.client.start('reference2video', offPeak('reference2video'));
      await waitFor(async () => (await handle.status()).taskId !== undefined, 'submission');
      await e.sim.advance(49 * HOUR);
      const f = (await failureOf(handle)) as ApplicationFailure;
      expect(f.type).toBe('OffPeakRefunded');
      expect(f.details?.[0]).toMatchObject({ refunded: true, credits: 0, creditsRefunded: expect.any(Number) });
      expect(await handle.status()).toMatchObject({
        phase: 'failed',
        failureType: 'OffPeakRefunded',
        state: 'failed',
        credits: 0,
      });
      expect((await handle.workflow.describe()).typedSearchAttributes.get(ViduCredits)).toBe(0);
      expect((await e.sim.stats()).creditsRefunded).toBeGreaterThan(before);
    } finally {
      await e.sim.setFaults({});
    }
  });
});
