// Off-peak jobs, end to end, on the real dev server with the simulator's clock: Vidu's 48-hour
// window is compressed (14400× speed), and the workflow's own poll schedule is scaled down through
// options.
//
// The frozen-clock cases that were here (expiry at the caller's deadline, cancel while queueing and
// while scheduled, Vidu's refund at the end of the window) proved nothing only the processes can:
// their workflow branches run under time skipping (test/workflow/generation.test.ts "off-peak" and
// "cancellation", test/workflow/one-truth.test.ts), what the cancel activity records from the
// simulator's answers in test/unit/activities-cancel.test.ts, and the simulator's off-peak
// timeline, refusal and refund in test/sim/billing-and-cancel.test.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../sim/media/render';
import { OFF_PEAK_POLL_ONLY_SCHEDULE, pollsWithin } from '../../core/poll-schedule';
import type { GenerationInput } from '../../core/generation-types';
import { startE2eEnv, type E2eEnv } from '../helpers/e2e';

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
